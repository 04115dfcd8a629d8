import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import type { MqttClient } from 'mqtt';
import { findDeviceByLabel } from '../../src-main/devices/queries/devices';
import { lastReadings } from '../../src-main/history/queries/readings';
import { tempDir } from '../helpers/tmp';
import { mqttClient, startHub } from './helpers/hub';

const clients = 5;

test('kill -9 while 5 clients publish QoS 1: every PUBACKed reading is in the database after restart', async () => {
  const dataDir = tempDir();
  const hub = await startHub([], dataDir);
  const tokens = await Promise.all(Array.from({ length: clients }, (_, i) => hub.addDevice(`crash${i}`)));
  const acked: Set<number>[] = tokens.map(() => new Set());
  const connections: MqttClient[] = [];
  for (const token of tokens) connections.push(await mqttClient(hub, token, { queueQoSZero: false }));
  for (const c of connections) c.on('error', () => {}); // the hub dies under them

  let stop = false;
  const sent = tokens.map(() => 0);
  const publishers = connections.map(async (c, i) => {
    const inflight = new Set<Promise<void>>();
    for (let n = 0; !stop; n++) {
      sent[i] = n + 1;
      const p = c
        .publishAsync(`/v1.6/devices/crash${i}`, JSON.stringify({ n }), { qos: 1 })
        .then(() => void acked[i]!.add(n))
        .catch(() => {})
        .finally(() => inflight.delete(p));
      inflight.add(p);
      // A window of 50 pipelined messages per client.
      if (inflight.size >= 50) await Promise.race(inflight);
    }
  });
  const total = () => acked.reduce((sum, s) => sum + s.size, 0);
  while (total() < 3000) await new Promise((r) => setTimeout(r, 20));
  const exited = once(hub.serve.child, 'exit');
  hub.serve.child.kill('SIGKILL');
  await exited;
  stop = true;
  for (const c of connections) c.end(true);
  await Promise.race([Promise.all(publishers), new Promise((r) => setTimeout(r, 2000))]);
  const ackedCopy = acked.map((s) => new Set(s));
  // The kill must have hit a busy hub: every client was publishing, and messages were in flight, unacknowledged.
  for (let i = 0; i < clients; i++) assert.ok(ackedCopy[i]!.size > 0, `client ${i} had nothing acknowledged`);
  const inFlight = sent.reduce((a, b) => a + b, 0) - ackedCopy.reduce((a, s) => a + s.size, 0);
  assert.ok(inFlight > 0, 'the hub died with publishes in flight');

  const again = await startHub([], dataDir);
  const store = await again.store();
  for (let i = 0; i < clients; i++) {
    const device = findDeviceByLabel(store.db, 1, `crash${i}`)!;
    const stored = new Set(lastReadings(store.db, device.id, 1_000_000, 'n').map((r) => r.value));
    const missing = [...ackedCopy[i]!].filter((n) => !stored.has(n));
    assert.deepEqual(missing, [], `client ${i}: ${ackedCopy[i]!.size} acknowledged, ${stored.size} stored`);
    const phantom = [...stored].filter((n) => !Number.isInteger(n) || n < 0 || n >= sent[i]!);
    assert.deepEqual(phantom, [], `client ${i}: readings that were never sent`);
  }
});

test('a PUBACK arrives only after its reading is committed: another connection sees it the moment the PUBACK is in', async () => {
  const hub = await startHub();
  const token = await hub.addDevice('acker');
  const store = await hub.store();
  const client = await mqttClient(hub, token);
  const visible = store.db.prepare("SELECT count(*) FROM readings r JOIN variables v ON v.id = r.variable_id WHERE v.label = 'seq' AND r.value = ?").pluck();
  const early: number[] = [];
  // Pipelined, so that the hub is busy and its commits lag its reads.
  await Promise.all(
    Array.from({ length: 400 }, (_, n) =>
      client.publishAsync('/v1.6/devices/acker', JSON.stringify({ seq: n, pad: [1, 2, 3, 4, 5, 6, 7, 8].map((x) => ({ value: x })) }), { qos: 1 }).then(() => {
        if (visible.get(n) !== 1) early.push(n);
      }),
    ),
  );
  assert.deepEqual(early, [], 'these were acknowledged before they were committed');
});
