import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { addDevice } from '../../src-main/devices/lifecycle';
import { resolveIngestToken } from '../../src-main/access/device-credentials';
import { PersistError } from '../../src-main/ingest/pipeline/persist-error';
import type { Principal } from '../../src-main/ingest/pipeline/types';
import type { Hub } from '../../src-main/hub';
import { startTestHub } from '../helpers/hub';
import { tempDir } from '../helpers/tmp';

// A full ingest queue used to refuse the next message at once; over MQTT that closed the connection, every
// device at a busy hub reconnected and resent, and an overload grew into a reconnect storm (bench/ingest
// latency at 10,000 msg/s). A message now waits for room, and its sender is not read meanwhile.

function principalFor(hub: Hub, token: string): Principal {
  const r = resolveIngestToken(hub.db, token);
  assert.ok(r.ok);
  return r.principal;
}

const values = (hub: Hub, deviceId: number) =>
  (hub.db.prepare('SELECT r.value FROM readings r JOIN variables v ON v.id = r.variable_id WHERE v.device_id = ? ORDER BY r.id').all(deviceId) as { value: number }[]).map((r) => r.value);

test('a message that finds the queue full waits for room, and messages keep their order', async () => {
  const hub = await startTestHub({ limits: { ingestQueueReadings: 10, ingestQueueWaitMs: 60_000 } });
  const pipeline = hub.services.pipeline;
  const { token, device } = addDevice(hub.db, { label: 'burst' });
  const principal = principalFor(hub, token);
  await pipeline.writerTest({ commitDelayMs: 150 });
  const batchesBefore = pipeline.committedBatches;
  // Eight messages of five readings at once: only two fit in the queue at a time.
  const results = await Promise.allSettled(
    Array.from({ length: 8 }, (_, m) =>
      pipeline.ingest({ principal, protocol: 'mqtt', deviceLabel: 'burst', dots: Array.from({ length: 5 }, (_, i) => ({ variable: 'seq', value: m * 5 + i })), bytes: 50 }),
    ),
  );
  await pipeline.writerTest({ commitDelayMs: 0 });
  assert.deepEqual(
    results.map((r) => r.status),
    Array(8).fill('fulfilled'),
    'no message refused',
  );
  assert.deepEqual(values(hub, device.id), Array.from({ length: 40 }, (_, i) => i), 'stored once each, in the order sent');
  assert.ok(pipeline.committedBatches - batchesBefore >= 4, 'the queue bound held: at most two messages per commit');
});

test('a message that waits longer than the limit is refused as OVERLOADED and nothing of it is stored', async () => {
  const hub = await startTestHub({ limits: { ingestQueueReadings: 5, ingestQueueWaitMs: 300 } });
  const pipeline = hub.services.pipeline;
  const { token, device } = addDevice(hub.db, { label: 'stalled' });
  const principal = principalFor(hub, token);
  await pipeline.writerTest({ commitDelayMs: 2500 });
  const first = pipeline.ingest({ principal, protocol: 'https', deviceLabel: 'stalled', dots: [1, 2, 3, 4, 5].map((value) => ({ variable: 'v', value })), bytes: 50 });
  const started = performance.now();
  const second = await pipeline.ingest({ principal, protocol: 'https', deviceLabel: 'stalled', dots: [{ variable: 'v', value: 6 }], bytes: 10 }).then(
    () => null,
    (err: unknown) => err,
  );
  assert.ok(second instanceof PersistError && second.code === 'OVERLOADED', `refused as overloaded: ${String(second)}`);
  assert.ok(performance.now() - started >= 250, 'after waiting');
  assert.equal((await first).stored.length, 5, 'the message ahead of it is stored');
  await pipeline.writerTest({ commitDelayMs: 0 });
  assert.deepEqual(values(hub, device.id), [1, 2, 3, 4, 5]);
});

test('mosquitto_pub sending faster than the disk commits: every message acknowledged and stored, no disconnect', async () => {
  let log = '';
  const hub = await startTestHub({ ports: { console: 0, https: null, mqtts: 0 }, limits: { ingestQueueReadings: 3, ingestQueueWaitMs: 60_000 } });
  const { token, device } = addDevice(hub.db, { label: 'fast' });
  await hub.services.pipeline.writerTest({ commitDelayMs: 5 });
  const dir = tempDir();
  const caFile = join(dir, 'ca.crt');
  writeFileSync(caFile, hub.tls.caCertPem);
  const count = 300;
  // -l: one message per line of stdin, QoS 1 (mosquitto_pub keeps up to 20 in flight).
  const pub = spawn('mosquitto_pub', ['-h', 'localhost', '-p', String(hub.listeners.mqtts!.port), '--cafile', caFile, '-u', token, '-t', '/v1.6/devices/fast', '-q', '1', '-l']);
  pub.stderr.on('data', (d: Buffer) => (log += d.toString()));
  pub.stdin.end(Array.from({ length: count }, (_, i) => JSON.stringify({ seq: i })).join('\n') + '\n');
  const timer = setTimeout(() => pub.kill('SIGKILL'), 60_000);
  const [code] = (await once(pub, 'exit')) as [number | null];
  clearTimeout(timer);
  assert.equal(code, 0, log);
  assert.equal(log, '', 'no error from the client');
  assert.deepEqual(values(hub, device.id), Array.from({ length: count }, (_, i) => i), 'every message stored once, in order');
});
