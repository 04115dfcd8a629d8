import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, request } from 'node:https';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { connect, type TLSSocket } from 'node:tls';
import { createApiKey } from '../../src-main/access/api-keys';
import { AbuseControl } from '../../src-main/access/abuse-control';
import { createDeviceAuth } from '../../src-main/access/device-authenticate';
import { cliCaller } from '../access/helpers';
import { defaultOrgId } from '../../src-main/devices/lifecycle';
import type { HttpsIngestDeps } from '../../src-main/ingest/https/exchange';
import { createHttpsIngestServer } from '../../src-main/ingest/https/server';
import { closeServer } from '../../src-main/lifecycle/listen';
import { findDeviceByLabel } from '../../src-main/devices/queries/devices';
import { countReadings } from '../../src-main/history/queries/readings';
import { deviceToken, eventually, rejectionCount, startIngestHub } from '../helpers/ingest';

const h = await startIngestHub();
const token = deviceToken(h.hub, 'sensor');
const port = h.hub.listeners.https!.port;

function post(path: string, body: string, options: { agent?: Agent; headers?: Record<string, string>; p?: number } = {}): Promise<{ status: number; body: string; headers: Record<string, unknown>; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', servername: 'localhost', port: options.p ?? port, path, method: 'POST', ca: h.ca, agent: options.agent ?? false, headers: { 'content-type': 'application/json', 'x-auth-token': token, ...options.headers } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers, reused: req.reusedSocket }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('keep-alive: 300 requests over one connection, then 4 connections in parallel, all stored', async () => {
  const device = findDeviceByLabel(h.hub.db, defaultOrgId, 'sensor')!;
  const before = countReadings(h.hub.db, device.id);
  const one = new Agent({ keepAlive: true, maxSockets: 1 });
  let reused = 0;
  for (let i = 0; i < 300; i++) {
    const r = await post('/api/v1.6/devices/sensor', JSON.stringify({ seq: i }), { agent: one });
    assert.equal(r.status, 200, r.body);
    if (r.reused) reused += 1;
  }
  one.destroy();
  assert.equal(reused, 299, 'every request after the first rides the same socket');
  const four = new Agent({ keepAlive: true, maxSockets: 4 });
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => post('/api/v1.6/devices/sensor', JSON.stringify({ par: i, other: i * 2 }), { agent: four })));
  four.destroy();
  assert.ok(answers.every((a) => a.status === 200));
  assert.equal(countReadings(h.hub.db, device.id) - before, 300 + 400);
});

/** A second listener on the same hub with timeouts short enough to test. */
async function shortTimeoutServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const deps: HttpsIngestDeps = {
    db: h.hub.db,
    pipeline: h.hub.services.pipeline,
    logger: h.hub.logger,
    // Its own abuse-control state: the slow-down test below must not slow other tests' refusals.
    access: createDeviceAuth({ ...h.hub.services.access, abuse: new AbuseControl(h.hub.db, Date.now, () => h.hub.services.access.policy().lockout) }),
    tokenInUrl: () => false,
    maxBodyBytes: 10 * 1024,
  };
  const server = createHttpsIngestServer(h.hub.tls, deps, { headersMs: 800, requestMs: 1500, keepAliveMs: 500, handshakeMs: 800, checkIntervalMs: 200 });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, close: () => closeServer(server) };
}

async function tlsSocket(p: number): Promise<TLSSocket> {
  const socket = connect({ host: '127.0.0.1', port: p, ca: h.ca, servername: 'localhost' });
  await once(socket, 'secureConnect');
  return socket;
}

/** Everything the server sends until it closes the socket, and how long that took. */
async function untilClosed(socket: TLSSocket, limitMs: number): Promise<{ text: string; ms: number }> {
  const started = Date.now();
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString()));
  socket.on('error', () => {});
  const timer = setTimeout(() => socket.destroy(new Error('server never closed the socket')), limitMs);
  await once(socket, 'close');
  clearTimeout(timer);
  return { text, ms: Date.now() - started };
}

test('slowloris: headers trickling in, a body that stops halfway and a silent connection are all cut off and counted', async () => {
  const server = await shortTimeoutServer();
  try {
    const timeouts = rejectionCount(h.hub.db, 'https', 'timeout');

    const slowHeaders = await tlsSocket(server.port);
    slowHeaders.write('POST /api/v1.6/devices/sensor HTTP/1.1\r\nHost: localhost\r\n');
    const trickle = setInterval(() => slowHeaders.writable && slowHeaders.write('X-Slow: 1\r\n'), 100);
    const cut1 = await untilClosed(slowHeaders, 5000);
    clearInterval(trickle);
    assert.match(cut1.text, /^HTTP\/1.1 408 Request Timeout/);
    assert.match(cut1.text, /"code":"REQUEST_TIMEOUT"/);

    const halfBody = await tlsSocket(server.port);
    halfBody.write(`POST /api/v1.6/devices/sensor HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Auth-Token: ${token}\r\nContent-Length: 100\r\n\r\n{"temp": `);
    const cut2 = await untilClosed(halfBody, 5000);
    assert.match(cut2.text, /408/);

    const silent = await tlsSocket(server.port);
    const cut3 = await untilClosed(silent, 5000);
    assert.ok(cut3.ms < 3000, `a connection that never sends a request is closed (${cut3.ms} ms)`);

    // Half-open below TLS: a TCP connection that never starts the handshake.
    const raw = netConnect(server.port, '127.0.0.1');
    await once(raw, 'connect');
    const started = Date.now();
    raw.on('error', () => {});
    await once(raw, 'close');
    assert.ok(Date.now() - started < 3000, 'a connection that never sends a TLS hello is closed');

    await eventually(() => rejectionCount(h.hub.db, 'https', 'timeout') >= timeouts + 2, 'timeouts counted in rejections_hourly');
    assert.equal((await post('/api/v1.6/devices/sensor', '{"after": 1}', { p: server.port })).status, 200, 'the listener still serves');
  } finally {
    await server.close();
  }
});

test('bad HTTP framing and oversized headers get 400 / 431 and the listener keeps serving', async () => {
  const garbage = await tlsSocket(port);
  garbage.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x0d, 0x0a, 0x0d, 0x0a]));
  assert.match((await untilClosed(garbage, 5000)).text, /^HTTP\/1.1 400 Bad Request/);
  const huge = await tlsSocket(port);
  huge.write(`GET /api/v1.6/devices/sensor/t/lv HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(10_000)}\r\n\r\n`);
  assert.match((await untilClosed(huge, 5000)).text, /^HTTP\/1.1 431/);
  assert.equal((await post('/api/v1.6/devices/sensor', '{"still": 1}')).status, 200);
});

test('a valid request followed by garbage in the same write: its 2xx first, then 400 for the garbage, then close; stored once', async () => {
  const before = countReadings(h.hub.db, findDeviceByLabel(h.hub.db, defaultOrgId, 'sensor')!.id);
  const socket = await tlsSocket(port);
  const body = '{"pipelined": 7}';
  socket.write(
    `POST /api/v1.6/devices/sensor HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Auth-Token: ${token}\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
      '\u0000\u0001GARBAGE / HTTP/9\r\n\r\n',
  );
  const { text } = await untilClosed(socket, 10_000);
  const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
  assert.deepEqual(statuses, [200, 400], text);
  assert.match(text, /"pipelined":\[\{"status_code":201\}\]/, 'the good request gets its own answer');
  await eventually(() => rejectionCount(h.hub.db, 'https', 'bad_request') > 0, 'the garbage is counted');
  assert.equal(countReadings(h.hub.db, findDeviceByLabel(h.hub.db, defaultOrgId, 'sensor')!.id), before + 1, 'stored exactly once');
});

test('repeated bad tokens from one address slow down its 401s, but a good token is still answered at once', async () => {
  const server = await shortTimeoutServer();
  try {
    const wrong = (i: number) => `opd_${String(i).padStart(43, 'B')}`;
    for (let i = 0; i < 12; i++) assert.equal((await post('/api/v1.6/devices/sensor', '{"t": 1}', { p: server.port, headers: { 'x-auth-token': wrong(i) } })).status, 401);
    const started = Date.now();
    assert.equal((await post('/api/v1.6/devices/sensor', '{"t": 1}', { p: server.port })).status, 200, 'a valid token from a noisy address is never refused');
    assert.ok(Date.now() - started < 2000, 'nor held back');
    const slowStart = Date.now();
    assert.equal((await post('/api/v1.6/devices/sensor', '{"t": 1}', { p: server.port, headers: { 'x-auth-token': wrong(99) } })).status, 401);
    assert.ok(Date.now() - slowStart >= 1000, 'the next guess waits');
  } finally {
    await server.close();
  }
});

test('POST /api/v1.6/auth/token trades a real API key for an access token that works in X-Auth-Token; a bad key gets 401', async () => {
  const { key } = createApiKey(h.hub.services.access, cliCaller(1), { name: `firmware-${Date.now()}` });
  const minted = await post('/api/v1.6/auth/token', '', { headers: { 'x-ubidots-apikey': key } });
  assert.equal(minted.status, 201, minted.body);
  const { token: access } = JSON.parse(minted.body) as { token: string };
  const refused = await post('/api/v1.6/auth/token', '', { headers: { 'x-ubidots-apikey': `opk_${'Q'.repeat(43)}` } });
  assert.equal(refused.status, 401);
  assert.equal((JSON.parse(refused.body) as { code: string }).code, 'BAD_API_KEY');
  const write = await post('/api/v1.6/devices/sensor', '{"via_access_token": 42}', { headers: { 'x-auth-token': access } });
  assert.equal(write.status, 200, write.body);
});
