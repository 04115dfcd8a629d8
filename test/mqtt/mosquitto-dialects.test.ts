import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listMqttSessions } from '../../src-main/broker/queries/mqtt-sessions';
import { findDeviceByLabel } from '../../src-main/devices/queries/devices';
import { deviceUsage } from '../../src-main/ingest/queries/usage';
import { eventually, logged, mosqArgs, readings, runTool, startHub, startTool, stopProcess } from './helpers/hub';

test('mosquitto clients: Ubidots and ThingsBoard dialects over TLS, ACL, CONNACK codes, live subscriptions, revocation', async (t) => {
  const hub = await startHub();
  const token = await hub.addDevice('boiler');
  const otherToken = await hub.addDevice('pump');
  const pub = (tok: string | null, topic: string, message: string, qos: 0 | 1, extra: string[] = []) =>
    runTool('mosquitto_pub', [...mosqArgs(hub, tok), '-t', topic, '-m', message, '-q', String(qos), '-d', ...extra]);

  await t.test('Ubidots publish, QoS 0 and 1, stored and queryable', async () => {
    const q1 = await pub(token, '/v1.6/devices/boiler', '{"temperature": 21.5, "pressure": {"value": 2, "timestamp": 1700000000000, "context": {"unit": "bar"}}}', 1);
    assert.equal(q1.code, 0, q1.stderr);
    assert.match(q1.stdout, /received PUBACK/);
    const q0 = await pub(token, '/v1.6/devices/BOILER/', '{"flow": [{"value": 1}, {"value": 2, "timestamp": 1700000001000}]}', 0);
    assert.equal(q0.code, 0, q0.stderr);
    const rows = await eventually(async () => {
      const r = await readings(hub, 'boiler');
      return r.length >= 4 ? r : undefined;
    });
    const by = (v: string) => rows.filter((r) => r.variable === v);
    assert.equal(by('temperature')[0]?.value, 21.5);
    assert.deepEqual(by('pressure')[0], { ...by('pressure')[0], value: 2, ts: 1700000000000, context: { unit: 'bar' } });
    assert.deepEqual(by('flow').map((r) => r.value).sort(), [1, 2]);
  });

  await t.test('ThingsBoard telemetry with the device token, QoS 0 and 1, and v2/t', async () => {
    assert.equal((await pub(token, 'v1/devices/me/telemetry', '{"ts": 1700000002000, "values": {"rpm": 1200, "on": true, "fw": "v1.2"}}', 1)).code, 0);
    assert.equal((await pub(token, 'v1/devices/me/telemetry', '[{"vibration": 0.5}, {"vibration": "0.75"}]', 0)).code, 0);
    assert.equal((await pub(token, 'v2/t', '{"rpm": 1300}', 1)).code, 0);
    const rows = await eventually(async () => {
      const r = await readings(hub, 'boiler');
      return r.filter((x) => x.variable === 'vibration').length === 2 && r.filter((x) => x.variable === 'rpm').length === 2 ? r : undefined;
    });
    assert.deepEqual(rows.filter((r) => r.variable === 'on').map((r) => r.value), [1]);
    assert.equal(rows.filter((r) => r.variable === 'fw').length, 0, 'a text value is an attribute, not a reading');
  });

  await t.test('bad token -> CONNACK 5, no username -> CONNACK 4', async () => {
    const bad = await pub('opd_' + 'x'.repeat(43), '/v1.6/devices/boiler', '{"a": 1}', 1);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stdout + bad.stderr, /CONNACK \(5\)|not authori[sz]ed/i);
    const none = await pub(null, '/v1.6/devices/boiler', '{"a": 1}', 1);
    assert.notEqual(none.code, 0);
    assert.match(none.stdout + none.stderr, /CONNACK \(4\)|bad user name or password/i);
    // A token as the password (any username) also works.
    const viaPassword = await runTool('mosquitto_pub', ['-h', 'localhost', '-p', String(hub.port), '--cafile', hub.caFile, '-u', 'esp32', '-P', token, '-t', '/v1.6/devices/boiler', '-m', '{"viapw": 7}', '-q', '1']);
    assert.equal(viaPassword.code, 0, viaPassword.stderr);
    await logged(hub, /"address":"127\.0\.0\.1".*"reason":"bad_token".*MQTT CONNECT refused/);
  });

  await t.test('ACL: SUBACK 0x80 for $SYS and other devices; publishes to other devices dropped, not stored', async () => {
    const sub = await runTool('mosquitto_sub', [...mosqArgs(hub, token), '-t', '$SYS/#', '-t', '/v1.6/devices/pump/x/lv', '-t', '#', '-t', '/v1.6/devices/+/x', '-t', '/v1.6/devices/boiler/x', '-d', '-W', '1']);
    assert.match(sub.stdout, /Subscribed \(mid: \d+\): 128, 128, 128, 128, 0/);
    const cross = await pub(token, '/v1.6/devices/pump', '{"stolen": 1}', 1);
    assert.equal(cross.code, 0, 'the publish is acknowledged but dropped');
    const stray = await pub(token, 'some/other/topic', '{"stray": 1}', 1);
    assert.equal(stray.code, 0);
    // Nothing reaches pump; pump's own token works.
    assert.equal((await pub(otherToken, '/v1.6/devices/pump', '{"own": 1}', 1)).code, 0);
    const pumpRows = await readings(hub, 'pump');
    assert.deepEqual(pumpRows.map((r) => r.variable), ['own']);
    await logged(hub, /this token may not write to device \\"pump\\"/);
  });

  await t.test('retained publishes pass the same ACL: stored as readings, never kept as raw retained messages', async () => {
    assert.equal((await pub(token, '/v1.6/devices/boiler', '{"retained": 5}', 1, ['-r'])).code, 0);
    assert.equal((await pub(token, '/v1.6/devices/pump', '{"retained": 6}', 1, ['-r'])).code, 0);
    const sub = await runTool('mosquitto_sub', [...mosqArgs(hub, token), '-t', '/v1.6/devices/boiler', '-v', '-W', '2']);
    assert.equal(sub.stdout, '', 'no raw retained message is replayed');
    assert.deepEqual((await readings(hub, 'boiler', 'retained')).map((r) => r.value), [5]);
    assert.ok(!(await readings(hub, 'pump')).some((r) => r.variable === 'retained'), 'a retained publish to another device is dropped');
  });

  await t.test('subscribe /lv and the variable topic: last value at once, then new readings from any protocol', async () => {
    const sub = startTool('mosquitto_sub', [...mosqArgs(hub, token), '-t', '/v1.6/devices/boiler/temperature/lv', '-t', '/v1.6/devices/boiler/+', '-v', '-q', '1']);
    const seen = (re: RegExp, what: string) => eventually(() => (re.test(sub.output()) ? true : undefined), 10_000, what);
    await seen(/\/v1\.6\/devices\/boiler\/temperature\/lv 21\.5\n/, 'last value on subscribe');
    await seen(/\/v1\.6\/devices\/boiler\/pressure \{"value":2,"timestamp":1700000000000,"context":\{"unit":"bar"\}\}/, 'full dot on subscribe');
    assert.equal((await pub(token, 'v1/devices/me/telemetry', '{"temperature": 23}', 1)).code, 0);
    await seen(/\/v1\.6\/devices\/boiler\/temperature\/lv 23\n/, 'new value pushed on /lv');
    await seen(/\/v1\.6\/devices\/boiler\/temperature \{"value":23,"timestamp":\d+\}/, 'new dot pushed');
    await stopProcess(sub.child);
  });

  await t.test('accounting: sessions with client id, address and counters; messages out per device and hour', async () => {
    const store = await hub.store();
    const device = findDeviceByLabel(store.db, 1, 'boiler')!;
    const sessions = await eventually(() => {
      const s = listMqttSessions(store.db, device.id).filter((x) => x.disconnectedAt !== null);
      // The subscriber was stopped last: wait until its close is recorded too, not just five earlier sessions.
      return s.length >= 5 && s.some((x) => x.messagesOut >= 2) ? s : undefined;
    });
    assert.ok(sessions.every((s) => s.remoteAddress === '127.0.0.1' && s.clientId.length > 0 && s.bytesIn > 0 && s.bytesOut > 0));
    assert.ok(sessions.some((s) => s.messagesIn >= 1));
    assert.ok(sessions.some((s) => s.messagesOut >= 2), 'the subscriber session counted what it received');
    const usage = await eventually(() => {
      const u = deviceUsage(store.db, device.id, 0);
      return u.some((x) => x.messagesOut >= 3 && x.bytesOut > 0) ? u : undefined;
    });
    assert.ok(usage.some((x) => x.messagesIn > 0));
  });

  await t.test('revoking the device with the CLI closes its live session at once', async () => {
    const sub = startTool('mosquitto_sub', [...mosqArgs(hub, otherToken), '-t', '/v1.6/devices/pump/own/lv', '-q', '1']);
    await eventually(() => (sub.output().includes('1') ? true : undefined), 10_000, 'subscription live');
    const revoked = await hub.cli(['device', 'revoke', 'pump', '--json']);
    assert.equal(revoked.code, 0, revoked.stderr);
    const revokedAt = Date.now();
    await logged(hub, /its token was revoked/);
    assert.ok(Date.now() - revokedAt < 2_000, `closed ${Date.now() - revokedAt} ms after the revoke`);
    // mosquitto_sub reconnects once and is refused: the token is gone.
    await eventually(() => (sub.child.exitCode !== null ? true : undefined), 5_000, 'mosquitto_sub gives up');
    const after = await pub(otherToken, '/v1.6/devices/pump', '{"own": 2}', 1);
    assert.notEqual(after.code, 0, 'the revoked token no longer connects');
  });
});
