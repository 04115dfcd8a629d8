import assert from 'node:assert/strict';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { connect } from 'node:tls';
import mqttPacket from 'mqtt-packet';
import { addIngestToken } from '../../src-main/devices/lifecycle';
import { hourOf, rejections } from '../../src-main/ingest/queries/usage';
import { eventually, logged, mqttClient, readings, startHub } from './helpers/hub';

test('MQTT bad input: every case counted with its reason, nothing crashes, good values in the same message are stored', async () => {
  const hub = await startHub();
  const token = await hub.addDevice('sensor');
  const store = await hub.store();
  const { token: orgToken } = addIngestToken(store.db, { name: 'fleet', deviceLabels: ['sensor', 'ghost'], canCreateDevices: false });
  const { token: creator } = addIngestToken(store.db, { name: 'creator', deviceLabels: null, canCreateDevices: true });
  const client = await mqttClient(hub, token);
  const pub = (topic: string, payload: string | Buffer) => client.publishAsync(topic, payload, { qos: 1 });
  const ubidots = '/v1.6/devices/sensor';
  const future = Date.now() + 3 * 24 * 3_600_000;

  // Each of these is acknowledged (resending would not help) and counted.
  await pub(ubidots, '{"temperature": 1,');
  await pub(ubidots, JSON.stringify({ good_nan: 5, x: 'NaN', y: '-Infinity' }));
  await pub(ubidots, JSON.stringify({ good_str: 6, s: 'warm', t: { value: 'hot' } }));
  await pub(ubidots, JSON.stringify({ good_future: 7, f: { value: 1, timestamp: future } }));
  await pub(ubidots, JSON.stringify({ good_deep: 8, d: { value: 1, context: { a: { b: { c: { d: { e: 1 } } } } } } }));
  await pub(ubidots, '['.repeat(5000) + ']'.repeat(5000));
  await pub(ubidots, JSON.stringify({ big: 'x'.repeat(20 * 1024) }));
  await pub(ubidots, randomBytes(512));
  await pub('v1/devices/me/telemetry', JSON.stringify([{ ts: 'yesterday', values: { late: 1 } }, { good_tb: 9, n: 'nan' }]));

  // An organisation token: its set of devices, unknown devices refused, auto-create only when allowed.
  const org = await mqttClient(hub, orgToken);
  await org.publishAsync('/v1.6/devices/sensor', JSON.stringify({ good_org: 10 }), { qos: 1 });
  await org.publishAsync('/v1.6/devices/ghost', JSON.stringify({ boo: 1 }), { qos: 1 });
  await org.publishAsync('/v1.6/devices/elsewhere', JSON.stringify({ boo: 1 }), { qos: 1 });
  // mqtt.js turns a 0x80 in the SUBACK into an error.
  await assert.rejects(org.subscribeAsync('v1/devices/me/rpc/request/+'), /Subscribe error/, 'an organisation token has no "me"');
  await assert.rejects(org.subscribeAsync('/v1.6/devices/elsewhere/x/lv'), /Subscribe error/, 'nor devices outside its set');
  assert.deepEqual((await org.subscribeAsync('/v1.6/devices/sensor/good_org/lv')).map((s) => s.qos), [0]);
  const auto = await mqttClient(hub, creator);
  await auto.publishAsync('/v1.6/devices/newbie', JSON.stringify({ first: 1 }), { qos: 1 });

  // Over the packet limit: the connection is closed before the body is buffered.
  // (A raw TLS socket: the hub resets the connection, which mqtt.js reports as an uncaught error.)
  const raw = connect({ host: '127.0.0.1', port: hub.port, ca: hub.ca, servername: 'localhost' });
  const closed = new Promise((resolve) => raw.on('close', resolve));
  raw.on('error', () => {}); // ECONNRESET is the expected outcome
  raw.resume(); // a paused socket never reads, so it would never notice the reset
  await once(raw, 'secureConnect');
  raw.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'big', clean: true, keepalive: 30, username: token }));
  // After the CONNACK: an authenticated client's limit (a packet pipelined before it gets the unauthenticated one).
  await once(raw, 'data');
  raw.write(mqttPacket.generate({ cmd: 'publish', topic: ubidots, payload: Buffer.alloc(70 * 1024, 0x31), qos: 1, messageId: 1, retain: false, dup: false }));
  await closed;

  const expected: Record<string, number> = {
    bad_json: 2,
    non_finite: 3,
    not_a_number: 2,
    future_timestamp: 1,
    too_deep: 2,
    too_large: 2,
    bad_timestamp: 1,
    unknown_device: 1,
    not_authorized: 1,
  };
  const counted = await eventually(() => {
    const byReason: Record<string, number> = {};
    for (const r of rejections(store.db, hourOf(Date.now()) - 3_600_000)) if (r.protocol === 'mqtt') byReason[r.reason] = (byReason[r.reason] ?? 0) + r.count;
    return Object.entries(expected).every(([k, v]) => (byReason[k] ?? 0) >= v) ? byReason : undefined;
  }, 10_000, 'rejection counts');
  assert.deepEqual(counted, expected);

  const stored = await readings(hub, 'sensor');
  assert.deepEqual(stored.map((r) => r.variable).sort(), ['good_deep', 'good_future', 'good_nan', 'good_org', 'good_str', 'good_tb']);
  assert.deepEqual((await readings(hub, 'newbie')).map((r) => r.variable), ['first']);
  assert.equal((await hub.cli(['readings', 'ghost'])).code, 1, 'no device was created for an unknown label');

  // Still serving.
  await pub(ubidots, JSON.stringify({ after: 1 }));
  assert.equal(hub.serve.child.exitCode, null);
  await logged(hub, /"reason":"bad_json".*MQTT publish refused: payload is not valid JSON/);
  await logged(hub, /"limit":65536.*MQTT packet over the size limit/);
  await logged(hub, /this token may not write to device \\"elsewhere\\"/);
});

test('labels: a device-creating token publishing to invalid or over-long Ubidots device labels over MQTT creates nothing (the one label rule at the pipeline)', async () => {
  const hub = await startHub();
  const store = await hub.store();
  const { token: creator } = addIngestToken(store.db, { name: 'labels', deviceLabels: null, canCreateDevices: true });
  const client = await mqttClient(hub, creator);
  const before = (store.db.prepare('SELECT count(*) FROM devices').pluck().get() as number);
  for (const label of ['evil label <img src=x>', 'x'.repeat(3000), '-leading-dash', 'Ünïcode']) {
    await client.publishAsync(`/v1.6/devices/${label}`, JSON.stringify({ t: 1 }), { qos: 1 });
  }
  await client.publishAsync('/v1.6/devices/fine-label', JSON.stringify({ t: 1, 'bad variable!': 2 }), { qos: 1 });
  const labels = (store.db.prepare('SELECT label FROM devices ORDER BY id').pluck().all() as string[]).slice(before);
  assert.deepEqual(labels, ['fine-label'], 'only the valid label became a device');
  const stored = await readings(hub, 'fine-label');
  assert.deepEqual(stored.map((r) => r.variable), ['t'], 'an invalid variable label refuses only that value');
  const badLabels = () => rejections(store.db, hourOf(Date.now())).filter((r) => r.reason === 'bad_label').reduce((n, r) => n + r.count, 0);
  await eventually(() => (badLabels() >= 5 ? true : undefined), 10_000, 'bad_label counted');
  // What the CLI lists it can also revoke: every device label passes the same rule.
  const listed = await hub.cli(['device', 'list', '--json']);
  for (const d of (JSON.parse(listed.stdout.trim().split('\n').at(-1)!) as { devices: { label: string }[] }).devices) {
    assert.equal((await hub.cli(['device', 'revoke', d.label])).code, 0, d.label);
  }
});
