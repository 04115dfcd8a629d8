import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { AbuseControl } from '../../src-main/access/abuse-control';
import { createDeviceAuth } from '../../src-main/access/device-authenticate';
import { addIngestToken, defaultOrgId } from '../../src-main/devices/lifecycle';
import { createTcpIngestServer, defaultTcpLimits } from '../../src-main/ingest/tcp/module';
import type { TcpLimits } from '../../src-main/ingest/tcp/connection';
import { closeServer } from '../../src-main/lifecycle/listen';
import { findDeviceByLabel } from '../../src-main/devices/queries/devices';
import { lastReadings } from '../../src-main/history/queries/readings';
import { deviceToken, eventually, rejectionCount, startIngestHub } from '../helpers/ingest';
import { TcpClient } from '../helpers/tcp-client';

const h = await startIngestHub();
const token = deviceToken(h.hub, 'sensor');
deviceToken(h.hub, 'neighbour');
const tcpPort = h.hub.listeners.tcp!.port;
const tcpsPort = h.hub.listeners.tcps!.port;
const client = await TcpClient.plain(tcpPort);

const stored = (value: number) => lastReadings(h.hub.db, findDeviceByLabel(h.hub.db, defaultOrgId, 'sensor')!.id, 1000).some((r) => r.value === value);

/** One request on the shared connection: the exact reply, and the refusal counted under `reason`. */
async function expectReply(request: string | Buffer, reply: string, reason: string, c: TcpClient = client): Promise<void> {
  const before = rejectionCount(h.hub.db, 'tcp', reason);
  assert.equal(await c.ask(request), reply);
  await eventually(() => rejectionCount(h.hub.db, 'tcp', reason) > before, `rejections_hourly counts tcp/${reason}`);
}

/** A message with one bad value and one good one: OK, the good one stored, the bad one counted. */
async function expectPartial(bad: string, goodValue: number, reason: string): Promise<void> {
  await expectReply(`ua|POST|${token}|sensor=>${bad},good:${goodValue}|end`, 'OK', reason);
  assert.ok(stored(goodValue), 'the good reading in the same message is stored');
}

test('malformed requests get ERROR|400 and the connection carries on', async () => {
  await expectReply('hello\n', 'ERROR|400', 'bad_shape');
  await expectReply(`ua|POST|${token}|sensor=>t:1|nope`, 'ERROR|400', 'bad_shape');
  await expectReply(`ua|GET|${token}|sensor=>t:1|end`, 'ERROR|400', 'bad_shape');
  await expectReply(`ua|POST|${token}|sensor t:1|end`, 'ERROR|400', 'bad_shape');
  await expectReply(`ua|POST|${token}|sensor=>|end`, 'ERROR|400', 'bad_shape');
  await expectReply(`ua|POST|${token}|sen/sor=>t:1|end`, 'ERROR|400', 'bad_label');
  assert.equal(await client.ask(`ua|POST|${token}|sensor=>good:1|end`), 'OK');
});

test('a request with fewer than four fields gets ERROR|400 promptly, not silence until the idle timeout', async () => {
  // The listener's idle timeout is 60 s; each answer must come within a few seconds.
  const timed = async (request: string) => {
    const started = Date.now();
    await expectReply(request, 'ERROR|400', 'bad_shape');
    return Date.now() - started;
  };
  assert.ok((await timed('garbage|end')) < 4_000);
  assert.ok((await timed(`ua|POST|end`)) < 4_000);
  // Three fields and "|end": a device label may start with "end", so the listener waits a moment for more.
  assert.ok((await timed(`UA|POST|${token}|end`)) < 4_000);
  // Sent back to back with a good request, each gets its own answer, in order.
  client.socket.write(`bad|endua|POST|${token}|sensor=>good:230|end`);
  // Replies have no terminator (as with Ubidots): two may arrive in one segment.
  let replies = await client.next();
  if (replies === 'ERROR|400') replies += await client.next();
  assert.equal(replies, 'ERROR|400OK');
  assert.ok(stored(230));
  // A device label that starts with "end", split right after "end": still one good request.
  deviceToken(h.hub, 'endpoint');
  client.socket.write(`ua|POST|${token}|end`);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(await client.ask('point=>t:1|end'), 'ERROR|403', 'framed whole: a device token may not write to "endpoint"');
});

test('NaN and Infinity are refused per value; alone they are ERROR|400', async () => {
  await expectPartial('t:NaN', 201, 'non_finite');
  await expectPartial('t:-Infinity', 202, 'non_finite');
  await expectPartial('t:"NaN"', 203, 'not_a_number');
  await expectReply(`ua|POST|${token}|sensor=>t:nan|end`, 'ERROR|400', 'non_finite');
});

test('strings where numbers belong, bad and future timestamps', async () => {
  await expectPartial('t:warm', 204, 'not_a_number');
  await expectPartial(`t:1@${Date.now() + 3 * 86_400_000}`, 205, 'future_timestamp');
  await expectPartial('t:1@yesterday', 206, 'bad_timestamp');
  await expectReply(`ua|POST|${token}|sensor@99=>t:1|end`, 'ERROR|400', 'bad_timestamp');
});

test('oversize: a request over 10 KB without an end is ERROR|400, and an oversized context refuses only its value', async () => {
  await expectReply(`ua|POST|${token}|sensor=>${'t:1,'.repeat(3000)}`, 'ERROR|400', 'too_large');
  await expectPartial(`t:1$note=${'x'.repeat(3000)}`, 207, 'too_large');
  // Nesting is not expressible in this format: brackets in a context value are plain text.
  assert.equal(await client.ask(`ua|POST|${token}|sensor=>good:208$shape=[[[[[[[[x]]]]]]]]|end`), 'OK');
  const device = findDeviceByLabel(h.hub.db, defaultOrgId, 'sensor')!;
  assert.deepEqual(lastReadings(h.hub.db, device.id, 1000).find((r) => r.value === 208)?.context, { shape: '[[[[[[[[x]]]]]]]]' });
});

test('binary garbage gets ERROR|400 at once; the connection and the listener keep working', async () => {
  const before = rejectionCount(h.hub.db, 'tcp', 'bad_shape');
  assert.equal(await client.ask(Buffer.from([0x00, 0xff, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef])), 'ERROR|400');
  await eventually(() => rejectionCount(h.hub.db, 'tcp', 'bad_shape') > before, 'garbage counted');
  assert.equal(await client.ask(`ua|POST|${token}|sensor=>good:210|end`), 'OK');
  // Plain text on the TLS port is a failed handshake, not a crash.
  const wrongPort = await TcpClient.plain(tcpsPort);
  wrongPort.socket.write(`ua|POST|${token}|sensor=>t:1|end`);
  await wrongPort.closed;
  const fresh = await TcpClient.plain(tcpPort);
  assert.equal(await fresh.ask(`ua|LV|${token}|sensor:good|end`), 'OK|210');
  fresh.end();
});

test('unknown device and unknown variable are ERROR|404', async () => {
  const fleet = addIngestToken(h.hub.db, { name: 'fleet', deviceLabels: null, canCreateDevices: false }).token;
  await expectReply(`ua|POST|${fleet}|ghost=>t:1|end`, 'ERROR|404', 'unknown_device');
  await expectReply(`ua|LV|${token}|sensor:nothing|end`, 'ERROR|404', 'unknown_device');
  // One good device and one unknown one: the good one is stored.
  await expectReply(`ua|POST|${fleet}|ghost=>t:1;sensor=>good:211|end`, 'OK', 'unknown_device');
  assert.ok(stored(211));
});

test('wrong, missing and misused tokens get an error reply, never silence; the token is never logged', async () => {
  const wrong = `opd_${'C'.repeat(43)}`;
  await expectReply(`ua|POST|${wrong}|sensor=>t:1|end`, 'ERROR|401', 'bad_token');
  await expectReply('ua|POST||sensor=>t:1|end', 'ERROR|401', 'bad_token');
  await expectReply(`ua|POST|${token}|neighbour=>t:1|end`, 'ERROR|403', 'not_authorized');
  await expectReply(`ua|LV|${token}|neighbour:t|end`, 'ERROR|403', 'not_authorized');
  assert.ok(!h.log().includes(token) && !h.log().includes(wrong));
});

test('storage failure: ERROR|503 and nothing acknowledged', async () => {
  // The write connection lives in the writer thread: the failure is set up on it.
  const pipeline = h.hub.services.pipeline;
  await pipeline.writerTest({ pragma: 'query_only = ON' });
  try {
    assert.equal(await client.ask(`ua|POST|${token}|sensor=>good:212|end`), 'ERROR|503');
  } finally {
    await pipeline.writerTest({ pragma: 'query_only = OFF' });
  }
  assert.ok(!stored(212));
  assert.equal(await client.ask(`ua|POST|${token}|sensor=>good:213|end`), 'OK');
});

async function limitedServer(limits: Partial<TcpLimits>, tls = false): Promise<{ port: number; close: () => Promise<void> }> {
  const deps = { db: h.hub.db, pipeline: h.hub.services.pipeline, logger: h.hub.logger, access: createDeviceAuth({ ...h.hub.services.access, abuse: new AbuseControl(h.hub.db, Date.now, () => h.hub.services.access.policy().lockout) }) };
  const server = createTcpIngestServer(deps, tls ? h.hub.tls : null, { ...defaultTcpLimits, ...limits });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, close: () => closeServer(server) };
}

test('idle and half-open connections are closed after the idle timeout; a half-sent request is counted', async () => {
  const server = await limitedServer({ idleMs: 300 });
  try {
    const before = rejectionCount(h.hub.db, 'tcp', 'timeout');
    const idle = await TcpClient.plain(server.port);
    const half = await TcpClient.plain(server.port);
    half.socket.write(`ua|POST|${token}|sensor=>t:`);
    await Promise.all([idle.closed, half.closed]);
    await eventually(() => rejectionCount(h.hub.db, 'tcp', 'timeout') > before, 'timeout counted');
  } finally {
    await server.close();
  }
});

test('TLS listener: a connection that never finishes its handshake is dropped; an idle TLS connection is closed too', async () => {
  const server = await limitedServer({ idleMs: 400, handshakeMs: 300 }, true);
  try {
    const raw = await TcpClient.plain(server.port);
    await raw.closed;
    const idle = await TcpClient.tls(server.port, h.ca);
    assert.equal(await idle.ask(`ua|POST|${token}|sensor=>good:216|end`), 'OK');
    await idle.closed;
  } finally {
    await server.close();
  }
});

test('connections beyond the limit are refused while the others keep working', async () => {
  const server = await limitedServer({ maxConnections: 2 });
  try {
    const a = await TcpClient.plain(server.port);
    const b = await TcpClient.plain(server.port);
    assert.equal(await a.ask(`ua|POST|${token}|sensor=>good:214|end`), 'OK');
    const c = await TcpClient.plain(server.port);
    await c.closed;
    assert.equal(await b.ask(`ua|POST|${token}|sensor=>good:215|end`), 'OK');
    a.end();
    b.end();
  } finally {
    await server.close();
  }
});

test('repeated bad tokens from one address slow its refusals, but a good token on the same connection is answered OK at once', async () => {
  const server = await limitedServer({});
  try {
    const c = await TcpClient.plain(server.port);
    for (let i = 0; i < 12; i++) assert.equal(await c.ask(`ua|POST|opd_${'D'.repeat(43)}|sensor=>t:1|end`), 'ERROR|401');
    const started = Date.now();
    assert.equal(await c.ask(`ua|POST|${token}|sensor=>t:1|end`), 'OK');
    assert.ok(Date.now() - started < 2000, 'the good token is not held back');
    const slowStart = Date.now();
    assert.equal(await c.ask(`ua|POST|opd_${'E'.repeat(43)}|sensor=>t:1|end`), 'ERROR|401');
    assert.ok(Date.now() - slowStart >= 1000, 'the next guess waits');
    c.end();
  } finally {
    await server.close();
  }
});
