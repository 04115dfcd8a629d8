import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, test } from 'node:test';
import mqtt from 'mqtt';
import type { DeviceHealth } from '../../src-shared/api/areas/health';
import { addDevice } from '../../src-main/devices/lifecycle';
import { openDatabase } from '../../src-main/store/database';
import { latestVersion, migrate, migrations, schemaVersion } from '../../src-main/store/migrations';
import { httpsRequest } from '../helpers/https';
import { startTestHub } from '../helpers/hub';
import { eventually } from '../helpers/ingest';
import { tempDir } from '../helpers/tmp';
import { rpc, secondOrganisation, signInTwoOrganisations } from '../access/helpers';

const password = 'health passphrase 1';

test('migration 0016 on the previous version’s data keeps devices, and its thresholds go with a removed device', () => {
  const db = openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
  after(() => db.close());
  migrate(
    db,
    migrations.filter((m) => m.version < 16),
  );
  const previous = schemaVersion(db);
  assert.ok(previous < 16);
  db.prepare("INSERT INTO devices (org_id, label, name, created_at, last_seen_at) VALUES (1, 'probe-1', 'Probe', 0, 5)").run();
  migrate(db);
  assert.equal(schemaVersion(db), latestVersion);
  const id = db.prepare("SELECT id FROM devices WHERE label = 'probe-1'").pluck().get() as number;
  assert.equal(db.prepare('SELECT last_seen_at FROM devices WHERE id = ?').pluck().get(id), 5, 'the device is as it was');
  db.prepare('INSERT INTO device_health_settings (device_id, stale_after_s, offline_after_s) VALUES (?, 60, 600)').run(id);
  assert.throws(() => db.prepare('INSERT INTO device_health_settings (device_id, stale_after_s, offline_after_s) VALUES (?, 600, 60)').run(id), /CHECK|UNIQUE/);
  db.prepare('DELETE FROM devices WHERE id = ?').run(id);
  assert.equal(db.prepare('SELECT count(*) FROM device_health_settings').pluck().get(), 0);
});

test('migration 0016 on a fresh database', () => {
  const db = openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
  after(() => db.close());
  migrate(db);
  assert.equal(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'device_health_settings'").pluck().get(), 1);
});

test('device health board over two organisations: states from sessions, last-seen and per-device thresholds, 24 h figures, vitals, problems first', async () => {
  const hub = await startTestHub({ ports: { console: 0, https: 0, mqtts: 0 } });
  const ctx = hub.services.access;
  const base = { url: `https://127.0.0.1:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
  const orgB = await secondOrganisation(hub);
  addDevice(hub.db, { orgId: 1, label: 'a-quiet' });
  const sender = addDevice(hub.db, { orgId: 1, label: 'a-sender' });
  const linked = addDevice(hub.db, { orgId: 1, label: 'a-linked' });
  const old = addDevice(hub.db, { orgId: 1, label: 'a-old' });
  const other = addDevice(hub.db, { orgId: orgB, label: 'b-sender' });
  const { ownerA, readerA, ownerB } = await signInTwoOrganisations(ctx, base, orgB, password, [sender.device.id]);
  const health = async (token: string) => {
    const r = await rpc(base, 'devices.health', {}, token);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.result as DeviceHealth[];
  };
  const post = (token: string, label: string, body: string) =>
    httpsRequest(`https://127.0.0.1:${hub.listeners.https!.port}/api/v1.6/devices/${label}`, { ca: hub.tls.caCertPem, method: 'POST', headers: { 'content-type': 'application/json', 'x-auth-token': token }, body });

  assert.equal((await post(sender.token, 'a-sender', '{"temperature": 20, "battery": 87, "rssi": -71}')).status, 200);
  assert.equal((await post(sender.token, 'a-sender', '{"temperature": ')).status, 400);
  assert.equal((await post(other.token, 'b-sender', '{"battery": 12}')).status, 200);
  // Seen 20 minutes ago: stale under the defaults (5 min), online under its own 30-minute threshold.
  hub.db.prepare('UPDATE devices SET last_seen_at = ? WHERE id IN (?, ?)').run(Date.now() - 20 * 60_000, old.device.id, linked.device.id);
  const set = await rpc(base, 'devices.setThresholds', { deviceId: old.device.id, thresholds: { staleAfterS: 1800, offlineAfterS: 7200 } }, ownerA);
  assert.equal(set.status, 200, JSON.stringify(set.body));
  assert.equal((await rpc(base, 'devices.setThresholds', { deviceId: old.device.id, thresholds: { staleAfterS: 600, offlineAfterS: 60 } }, ownerA)).status, 400, 'offline before stale is refused');
  assert.equal((await rpc(base, 'devices.setThresholds', { deviceId: other.device.id, thresholds: null }, ownerA)).status, 404, 'another organisation’s device does not exist');
  // An open MQTT session: online whatever its last reading.
  const session = await mqtt.connectAsync(`mqtts://localhost:${hub.listeners.mqtts!.port}`, { username: linked.token, ca: hub.tls.caCertPem, reconnectPeriod: 0, connectTimeout: 20_000 });
  try {
    await eventually(() => hub.db.prepare('SELECT count(*) FROM mqtt_sessions WHERE disconnected_at IS NULL').pluck().get() === 1, 'session row', 10_000);
    await eventually(() => hub.db.prepare('SELECT count(*) FROM refusals WHERE device_id = ?').pluck().get(sender.device.id) === 1, 'refusal row', 10_000);
    // The hourly accounting is written with the readings' commit.
    const a = await health(ownerA);
    const byLabel = new Map(a.map((h) => [h.label, h]));
    assert.deepEqual([...byLabel.keys()].sort(), ['a-linked', 'a-old', 'a-quiet', 'a-sender'], 'only organisation A’s devices');
    assert.equal(byLabel.get('a-linked')!.state, 'online');
    assert.equal(byLabel.get('a-linked')!.connected, true);
    assert.equal(byLabel.get('a-old')!.state, 'online', 'its own threshold');
    assert.equal(byLabel.get('a-old')!.customThresholds, true);
    assert.equal(byLabel.get('a-quiet')!.state, 'never');
    const s = byLabel.get('a-sender')!;
    assert.equal(s.state, 'online');
    assert.equal(s.hours.length, 24);
    assert.equal(s.totals.messages, 1, 'one message accounted');
    assert.ok(s.totals.bytes > 0);
    assert.equal(s.totals.refusals, 1, 'the bad body');
    assert.deepEqual(s.problems, ['refusals']);
    assert.deepEqual(s.vitals.map((v) => [v.variable, v.value]), [['battery', 87], ['rssi', -71]], 'battery and RSSI, not temperature');
    assert.deepEqual(a.map((h) => h.label), ['a-quiet', 'a-sender', 'a-linked', 'a-old'], 'problems first: never sent, then refusals, then the healthy ones');

    // Back to the defaults: 20 minutes without a reading is stale.
    await rpc(base, 'devices.setThresholds', { deviceId: old.device.id, thresholds: null }, ownerA);
    const again = (await health(ownerA)).find((h) => h.label === 'a-old')!;
    assert.equal(again.state, 'stale');
    assert.deepEqual(again.problems, ['stale']);
    assert.equal((await health(ownerA))[0]!.label, 'a-old', 'stale comes before never sent');

    const b = await health(ownerB);
    assert.deepEqual(b.map((h) => h.label), ['b-sender']);
    assert.deepEqual(b[0]!.vitals.map((v) => v.variable), ['battery']);
    assert.deepEqual((await health(readerA)).map((h) => h.label), ['a-sender'], 'a reader sees only their group’s device');
  } finally {
    await session.endAsync();
  }
});
