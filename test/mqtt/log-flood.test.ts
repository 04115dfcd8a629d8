import assert from 'node:assert/strict';
import { once } from 'node:events';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { connect } from 'node:net';
import mqttPacket from 'mqtt-packet';
import { hourOf, rejections } from '../../src-main/ingest/queries/usage';
import { eventually, startHub } from './helpers/hub';

const attempts = 2000;
const clientIdBytes = 8 * 1024;

/**
 * One CONNECT with a bad token and a long client id on its own connection;
 * resolves when the hub closes it or after 300 ms. Plain MQTT (the same broker and refusal
 * path as MQTT/TLS) keeps 2,000 handshakes from dominating the test's time.
 */
async function badConnect(port: number, i: number): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.resume();
  await once(socket, 'connect');
  const clientId = `${String(i).padStart(6, '0')}${'x'.repeat(clientIdBytes)}`;
  socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId, clean: true, keepalive: 30, username: `opd_${String(i).padStart(43, 'B')}` }));
  // A flooder does not wait out the hub's slow-down of repeated refusals (access/abuse-control.ts): it hangs up. The refusal is still logged and counted.
  const timer = setTimeout(() => socket.destroy(), 300);
  await once(socket, 'close');
  clearTimeout(timer);
}

test(`a flood of ${attempts} bad CONNECTs with ${clientIdBytes / 1024} KiB client ids grows the log by less than 1 MiB; every refusal is still counted`, async (t) => {
  // A hub of its own: the flood locks 127.0.0.1 out.
  const hub = await startHub(['--log-level', 'info', '--mqtt-port', '0']);
  const port = hub.serve.ready.listeners.mqtt!.port;
  const logFile = join(hub.dataDir, 'logs', 'outpost.log');
  const before = statSync(logFile).size;
  const started = Date.now();
  let next = 0;
  // 16 connections at a time, bounded in count and time.
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < attempts && Date.now() - started < 240_000) await badConnect(port, next++);
    }),
  );
  const floodMs = Date.now() - started;
  assert.equal(next, attempts, `all ${attempts} attempts were made (in ${floodMs} ms)`);
  const store = await hub.store();
  const counted = await eventually(() => {
    const n = rejections(store.db, hourOf(Date.now()) - 3_600_000)
      .filter((r) => r.protocol === 'mqtt' && (r.reason === 'bad_token' || r.reason === 'rate_limited'))
      .reduce((a, r) => a + r.count, 0);
    return n >= attempts ? n : undefined;
  }, 20_000, 'every refusal counted');
  assert.equal(counted, attempts);

  assert.equal((await hub.serve.stop()).code, 0);
  const grown = statSync(logFile).size - before;
  t.diagnostic(`${attempts} bad CONNECTs in ${floodMs} ms; the log grew by ${grown} bytes`);
  assert.ok(grown < 1024 * 1024, `the log grew by ${grown} bytes`);
  const log = readFileSync(logFile, 'utf8');
  assert.match(log, /"reason":"bad_token"[^\n]*MQTT CONNECT refused/, 'the first refusal is logged in full');
  assert.match(log, /"clientId":"000000x+…\[\d+ more characters\]"/, 'with its client id cut short');
  // The rest in one summary line per address (written at the latest when the hub stops).
  const summary = /"address":"127\.0\.0\.1","refusals":(\d+),"reasons":(\{[^}]*\})/.exec(log);
  assert.ok(summary, 'a summary line');
  const reasons = JSON.parse(summary[2]!) as Record<string, number>;
  // The first refusal of each kind is logged in full; the summary counts every other one, by kind.
  const full = log.split('\n').filter((l) => /MQTT CONNECT refused/.test(l)).length;
  assert.ok(full >= 1 && full <= 2, `${full} refusals logged in full`);
  assert.equal(Number(summary[1]) + full, attempts, 'the summary counts every refusal not logged in full');
  assert.equal(
    Object.values(reasons).reduce((a, n) => a + n, 0),
    Number(summary[1]),
    'the summary says why each was refused',
  );
  assert.ok((reasons['connect/bad_token'] ?? 0) > attempts / 2, 'most were refused for their bad token (the address is slowed down, never banned)');
});
