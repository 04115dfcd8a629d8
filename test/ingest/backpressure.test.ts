import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { addDevice, addIngestToken, removeDevice } from '../../src-main/devices/lifecycle';
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

test('a stalled disk refuses every waiting message, so none is stored after an earlier one of its sender was refused', async () => {
  const hub = await startTestHub({ limits: { ingestQueueReadings: 1, ingestQueueWaitMs: 400 } });
  const pipeline = hub.services.pipeline;
  const { token, device } = addDevice(hub.db, { label: 'ordered' });
  const principal = principalFor(hub, token);
  await pipeline.writerTest({ commitDelayMs: 2500 });
  const send = (value: number) => pipeline.ingest({ principal, protocol: 'mqtt', deviceLabel: 'ordered', dots: [{ variable: 'v', value }], bytes: 10 });
  const first = send(1);
  const waiting = [send(2), send(3)];
  const outcomes = await Promise.allSettled(waiting);
  assert.deepEqual(
    outcomes.map((o) => (o.status === 'rejected' ? (o.reason as PersistError).code : 'stored')),
    ['OVERLOADED', 'OVERLOADED'],
  );
  await first;
  await pipeline.writerTest({ commitDelayMs: 0 });
  await pipeline.drain();
  assert.deepEqual(values(hub, device.id), [1], 'the later message was not stored after the earlier one was refused');
});

test('a message whose device is removed while it waits for room is refused when its turn comes, and the others are stored', async () => {
  const hub = await startTestHub({ limits: { ingestQueueReadings: 1, ingestQueueWaitMs: 60_000 } });
  const pipeline = hub.services.pipeline;
  const ingest = addIngestToken(hub.db, { name: 'gateway', deviceLabels: null, canCreateDevices: false });
  const principal = principalFor(hub, ingest.token);
  const kept = addDevice(hub.db, { label: 'kept' }).device;
  addDevice(hub.db, { label: 'removed' });
  await pipeline.writerTest({ commitDelayMs: 1500 });
  const send = (label: string, value: number) => pipeline.ingest({ principal, protocol: 'https', deviceLabel: label, dots: [{ variable: 'v', value }], bytes: 10 });
  const first = send('kept', 1);
  const second = send('removed', 2);
  const third = send('kept', 3);
  await new Promise((r) => setTimeout(r, 200));
  // Waits for the commit in progress (the writer holds the write lock), as a console removal would.
  removeDevice(hub.db, 1, 'removed');
  const answer = await second;
  assert.ok(answer.refused, 'refused');
  assert.equal(answer.stored.length, 0);
  assert.equal((await first).stored.length, 1);
  assert.equal((await third).stored.length, 1, 'a message behind it is stored: its batch did not fail');
  await pipeline.writerTest({ commitDelayMs: 0 });
  assert.deepEqual(values(hub, kept.id), [1, 3]);
});

test('stopping the hub refuses messages still waiting for room and stores what was queued', async () => {
  const hub = await startTestHub({ limits: { ingestQueueReadings: 1, ingestQueueWaitMs: 60_000 } });
  const pipeline = hub.services.pipeline;
  const { token } = addDevice(hub.db, { label: 'stopping' });
  const principal = principalFor(hub, token);
  await pipeline.writerTest({ commitDelayMs: 800 });
  const send = (value: number) => pipeline.ingest({ principal, protocol: 'https', deviceLabel: 'stopping', dots: [{ variable: 'v', value }], bytes: 10 });
  const first = send(1);
  const second = send(2).then(
    () => 'stored',
    (err: PersistError) => err.code,
  );
  await new Promise((r) => setTimeout(r, 100));
  await hub.stop();
  assert.equal((await first).stored.length, 1);
  assert.equal(await second, 'STORAGE_FAILED');
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
