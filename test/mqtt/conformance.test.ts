import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hourOf, rejections } from '../../src-main/ingest/queries/usage';
import { eventually, logged, mqttClient, readings, startHub } from './helpers/hub';
import { rawConnected, rawMqtt, rawSubscribe } from './helpers/raw';

// One hub for the file: `outpost serve` with MQTT/TLS and the real keychain.
const hub = await startHub();
const token = await hub.addDevice('sensor');
const store = await hub.store();
const badRequests = () => rejections(store.db, hourOf(Date.now()) - 3_600_000).filter((r) => r.protocol === 'mqtt' && r.reason === 'bad_request').reduce((n, r) => n + r.count, 0);

/** PUBLISH QoS 1 whose topic is `prefix` + raw bytes: the hub must close the connection and send no PUBACK. */
async function expectClosedOnPublish(topic: Buffer): Promise<void> {
  const raw = await rawConnected(hub, token);
  raw.send({ cmd: 'publish', topic: topic as unknown as string, payload: Buffer.from('{"t": 1}'), qos: 1, messageId: 7, retain: false, dup: false });
  assert.equal(await raw.next('puback'), null, `no PUBACK for topic ${topic.toString('hex')}`);
  assert.ok(raw.isClosed(), 'the connection is closed');
}

test('MQTT-1.5.3-1/2: a topic with ill-formed UTF-8 or U+0000 gets no PUBACK; the connection is closed', async () => {
  const before = badRequests();
  await expectClosedOnPublish(Buffer.concat([Buffer.from('/v1.6/devices/sensor'), Buffer.from([0xff])]));
  await expectClosedOnPublish(Buffer.concat([Buffer.from('/v1.6/devices/sen'), Buffer.from([0xc3, 0x28]), Buffer.from('sor')]));
  // An encoded surrogate (U+D800) is ill-formed too (MQTT-1.5.3-1 names it).
  await expectClosedOnPublish(Buffer.concat([Buffer.from('/v1.6/devices/'), Buffer.from([0xed, 0xa0, 0x80])]));
  await expectClosedOnPublish(Buffer.from('/v1.6/devices/sensor\u0000x'));
  await eventually(() => (badRequests() >= before + 4 ? true : undefined), 10_000, 'four bad_request refusals counted');
  await logged(hub, /"reason":"invalid_utf8".*MQTT publish refused: a string is not well-formed UTF-8/);
  await logged(hub, /"reason":"null_character".*MQTT publish refused: a string holds U\+0000/);
  assert.deepEqual(await readings(hub, 'sensor'), [], 'nothing was stored');
});

test('MQTT-1.5.3-1: a topic filter with ill-formed UTF-8 gets no SUBACK; the connection is closed', async () => {
  const raw = await rawConnected(hub, token);
  raw.socket.write(rawSubscribe(3, Buffer.concat([Buffer.from('/v1.6/devices/sensor/'), Buffer.from([0xe0, 0xa4]), Buffer.from('/lv')])));
  assert.equal(await raw.next('suback'), null, 'no SUBACK');
  assert.ok(raw.isClosed());
  const zero = await rawConnected(hub, token);
  zero.socket.write(rawSubscribe(4, Buffer.from('/v1.6/devices/sensor/t\u0000/lv')));
  assert.equal(await zero.next('suback'), null, 'no SUBACK for U+0000 either');
});

test('MQTT-1.5.3-1: a CONNECT whose client id is ill-formed UTF-8 gets no CONNACK', async () => {
  const raw = await rawMqtt(hub);
  raw.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: Buffer.from([0x61, 0xff, 0x62]) as unknown as string, clean: true, keepalive: 60, username: token });
  assert.equal(await raw.next('connack'), null);
});

test('well-formed topics are unaffected, U+FFFD itself included: the connection stays open', async () => {
  const raw = await rawConnected(hub, token);
  // A real U+FFFD (EF BF BD) is well-formed: the topic is merely not one a device may publish to.
  raw.send({ cmd: 'publish', topic: '/v1.6/devices/\ufffd', payload: Buffer.from('{"t": 1}'), qos: 1, messageId: 1, retain: false, dup: false });
  assert.ok(await raw.next('puback'));
  raw.send({ cmd: 'publish', topic: '/v1.6/devices/sensor', payload: Buffer.from('{"ok": 5}'), qos: 1, messageId: 2, retain: false, dup: false });
  assert.ok(await raw.next('puback'));
  assert.ok(!raw.isClosed());
  assert.deepEqual((await readings(hub, 'sensor')).map((r) => [r.variable, r.value]), [['ok', 5]]);
});

test('a context nested six or more levels refuses only its own dot (too_deep); the good values in the message are stored', async () => {
  const client = await mqttClient(hub, token);
  let deep: unknown = 1;
  for (let i = 0; i < 6; i++) deep = { level: deep };
  let hostile: unknown = 1;
  for (let i = 0; i < 2000; i++) hostile = [hostile];
  await client.publishAsync('/v1.6/devices/sensor', JSON.stringify({ keep_a: 11, six: { value: 1, context: deep }, far: { value: 2, context: { x: hostile } }, keep_b: { value: 12, context: { ok: { fine: 1 } } } }), { qos: 1 });
  await client.publishAsync('v1/devices/me/telemetry', JSON.stringify({ keep_tb: 13, nested: deep }), { qos: 1 });
  const stored = await eventually(async () => {
    const r = await readings(hub, 'sensor');
    return ['keep_a', 'keep_b', 'keep_tb'].every((v) => r.some((x) => x.variable === v)) ? r : undefined;
  }, 10_000, 'the good values');
  assert.deepEqual(stored.filter((r) => r.variable.startsWith('keep')).map((r) => [r.variable, r.value]).sort(), [['keep_a', 11], ['keep_b', 12], ['keep_tb', 13]]);
  assert.ok(!stored.some((r) => r.variable === 'six' || r.variable === 'far'));
  const tooDeep = await eventually(() => {
    const n = rejections(store.db, hourOf(Date.now()) - 3_600_000).filter((r) => r.protocol === 'mqtt' && r.reason === 'too_deep' && r.deviceLabel === 'sensor').reduce((a, r) => a + r.count, 0);
    return n >= 3 ? n : undefined;
  }, 10_000, 'three too_deep refusals');
  assert.equal(tooDeep, 3, 'the two contexts and the ThingsBoard attribute, one each');
});

test('a payload between 10 and 64 KB is acknowledged (resending would not help), counted as too_large for its device and logged cut short', async () => {
  // The first too_large from this address in this file: logged in full (repeats only go to the per-address summary).
  const clientId = `big-${'i'.repeat(5000)}`;
  const client = await mqttClient(hub, token, { clientId });
  const tooLarge = () => rejections(store.db, hourOf(Date.now()) - 3_600_000).filter((r) => r.protocol === 'mqtt' && r.reason === 'too_large' && r.deviceLabel === 'sensor').reduce((n, r) => n + r.count, 0);
  const before = tooLarge();
  for (const size of [20_000, 60_000]) {
    // mqtt.js resolves a QoS 1 publish on its PUBACK.
    await client.publishAsync('/v1.6/devices/sensor', JSON.stringify({ big: 1, pad: 'p'.repeat(size) }), { qos: 1 });
  }
  await eventually(() => (tooLarge() >= before + 2 ? true : undefined), 10_000, 'both counted as too_large for the device');
  const log = await logged(hub, /"reason":"too_large"[^\n]*MQTT publish refused: the payload is over 10240 bytes/);
  const line = log.split('\n').find((l) => /MQTT publish refused: the payload is over/.test(l))!;
  assert.ok(line.length < 1500, `the log line is ${line.length} characters`);
  assert.match(line, /"bytes":200\d\d/, 'the line says how big the payload was');
  // The broker namespaces client ids per credential (broker/client-ids.ts); the device's own part is cut short.
  assert.match(line, /"clientId":"device:\d+\/big-i+…\[\d+ more characters\]"/);
  assert.ok(!(await readings(hub, 'sensor')).some((r) => r.variable === 'big'));
});
