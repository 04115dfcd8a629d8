import assert from 'node:assert/strict';
import { test } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { addDevice } from '../../src-main/devices/lifecycle';
import { startTestHub } from '../helpers/hub';

// Each session's row used to be one writer op (one transaction, one fsync) when it opened and again when it
// closed: 10,000 devices dropping at once queued 10,000 ops ahead of the readings, and the hub acknowledged
// nothing for 32 s (bench/connections). Rows of the sessions that open or end in the same turn share one op.
test('sessions that end together have their rows written in a few writer ops, and every row is complete', async () => {
  const hub = await startTestHub({ ports: { console: 0, https: null, mqtts: 0 } });
  const { token } = addDevice(hub.db, { label: 'gateway' });
  const pipeline = hub.services.pipeline;
  const calls = new Map<string, number>();
  const write = pipeline.write.bind(pipeline);
  pipeline.write = ((name: string, payload: never) => {
    calls.set(name, (calls.get(name) ?? 0) + 1);
    return write(name as never, payload);
  }) as typeof pipeline.write;

  const count = 100;
  const url = `mqtts://localhost:${hub.listeners.mqtts!.port}`;
  const clients: MqttClient[] = await Promise.all(
    Array.from({ length: count }, (_, i) => mqtt.connectAsync(url, { username: token, ca: hub.tls.caCertPem, clientId: `gw-${i}`, reconnectPeriod: 0 })),
  );
  const rows = () => hub.db.prepare('SELECT count(*) AS n, count(disconnected_at) AS ended FROM mqtt_sessions').get() as { n: number; ended: number };
  for (const until = Date.now() + 30_000; rows().n < count && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
  assert.equal(rows().n, count, 'one row per session');
  assert.ok((calls.get('mqtt-sessions-open') ?? 0) <= count);

  // Every device drops at once (their sockets close without DISCONNECT, as when a switch reboots).
  for (const c of clients) c.stream.destroy();
  for (const until = Date.now() + 30_000; rows().ended < count && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(rows(), { n: count, ended: count }, 'every row records its end');
  const ends = calls.get('mqtt-accounting') ?? 0;
  assert.ok(ends < count / 4, `${count} ends took ${ends} writer ops`);
  for (const c of clients) c.end(true);
});
