import assert from 'node:assert/strict';
import { test } from 'node:test';
import mqtt from 'mqtt';
import type { HubCounters } from '../../src-shared/api/areas/hub';
import { createApp } from '../../src-main/access/apps';
import { addDevice } from '../../src-main/devices/lifecycle';
import { httpsRequest } from '../helpers/https';
import { startTestHub } from '../helpers/hub';
import { eventually } from '../helpers/ingest';
import { cliCaller, rpc, secondOrganisation, signInTwoOrganisations } from '../access/helpers';

const password = 'counters passphrase 1';

test('Hub page counters over two organisations: each sees its own devices, only the hub owner sees hub-wide figures', async () => {
  const hub = await startTestHub({ ports: { console: 0, https: 0, mqtts: 0 } });
  const ctx = hub.services.access;
  const base = { url: `https://127.0.0.1:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
  const cliA = cliCaller(1);
  const orgB = await secondOrganisation(hub);
  const a1 = addDevice(hub.db, { orgId: 1, label: 'a-boiler' });
  const a2 = addDevice(hub.db, { orgId: 1, label: 'a-pump' });
  const b1 = addDevice(hub.db, { orgId: orgB, label: 'b-boiler' });
  const { ownerA, readerA, ownerB } = await signInTwoOrganisations(ctx, base, orgB, password, [a2.device.id]);
  const appA = createApp(ctx, cliA, { name: 'wall', scopes: ['devices:read'] }).token;
  const counters = async (token: string) => {
    const r = await rpc(base, 'hub.counters', {}, token);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.result as HubCounters;
  };

  // Traffic: a1 sends 3 readings over HTTPS and keeps an MQTT session open; b1 sends 2 and one bad body; a bad token tries MQTT.
  const post = (token: string, label: string, body: string) =>
    httpsRequest(`https://127.0.0.1:${hub.listeners.https!.port}/api/v1.6/devices/${label}`, { ca: hub.tls.caCertPem, method: 'POST', headers: { 'content-type': 'application/json', 'x-auth-token': token }, body });
  assert.equal((await post(a1.token, 'a-boiler', '{"t": 1, "h": 2, "p": 3}')).status, 200);
  assert.equal((await post(b1.token, 'b-boiler', '{"t": 1, "h": 2}')).status, 200);
  assert.equal((await post(b1.token, 'b-boiler', '{"t": ')).status, 400);
  const session = await mqtt.connectAsync(`mqtts://localhost:${hub.listeners.mqtts!.port}`, { username: a1.token, ca: hub.tls.caCertPem, reconnectPeriod: 0, connectTimeout: 20_000 });
  await assert.rejects(mqtt.connectAsync(`mqtts://localhost:${hub.listeners.mqtts!.port}`, { username: 'opd_not-a-real-token-at-all', ca: hub.tls.caCertPem, reconnectPeriod: 0, connectTimeout: 20_000 }));
  try {
    let a: HubCounters | undefined;
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      a = await counters(ownerA);
      if (a.org.connected.mqtt === 1 && (a.hub?.refusals.length ?? 0) >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(a);
    assert.deepEqual(a.org.connected, { mqtt: 1, https: 1, tcp: 0 }, 'org A: a1 over MQTT (session) and HTTPS (within the window)');
    assert.equal(a.org.readingsPerSecond, Math.round((3 / a.windowSeconds) * 100) / 100, 'org A: only its own 3 readings');
    assert.deepEqual(a.org.refusals, [], 'org A: none of org B’s refusals, and no bad tokens (those name no organisation)');
    assert.ok(a.hub, 'the hub owner sees hub-wide figures');
    assert.deepEqual(a.hub.connected, { mqtt: 1, https: 2, tcp: 0 });
    assert.equal(a.hub.readingsPerSecond, Math.round((5 / a.windowSeconds) * 100) / 100);
    assert.deepEqual(new Set(a.hub.refusals.map((r) => r.reason)), new Set(['bad_json', 'bad_token']));
    assert.ok(a.hub.databaseBytes > 0, `database ${a.hub.databaseBytes} bytes`);
    assert.equal(a.hub.syncBacklog, 0);

    const b = await counters(ownerB);
    assert.equal(b.hub, null, 'another organisation’s owner is not the hub owner');
    assert.deepEqual(b.org.connected, { mqtt: 0, https: 1, tcp: 0 });
    assert.equal(b.org.readingsPerSecond, Math.round((2 / b.windowSeconds) * 100) / 100);
    assert.deepEqual(b.org.refusals, [{ reason: 'bad_json', count: 1 }], 'an HTTPS refusal after the token was checked is the device’s');
    await eventually(() => hub.db.prepare('SELECT count(*) FROM refusals WHERE device_id = ?').pluck().get(b1.device.id) === 1, 'refusal row written');
    const problems = await rpc(base, 'devices.problems', { deviceId: b1.device.id }, ownerB);
    assert.deepEqual((problems.body.result as { reason: string; protocol: string }[]).map((p) => [p.protocol, p.reason]), [['https', 'bad_json']], 'and shows on its device page');

    const r = await counters(readerA);
    assert.equal(r.hub, null);
    assert.deepEqual(r.org.connected, { mqtt: 0, https: 0, tcp: 0 }, 'a reader sees only their group’s device (a2, silent)');
    assert.equal(r.org.readingsPerSecond, 0);

    const app = await counters(appA);
    assert.equal(app.hub, null, 'an app token never gets hub-wide figures');
    assert.deepEqual(app.org.connected, a.org.connected);
  } finally {
    await session.endAsync();
  }
  // The session's end is counted once its row is closed.
  await eventually(() => hub.db.prepare('SELECT count(*) FROM mqtt_sessions WHERE disconnected_at IS NULL').pluck().get() === 0, 'session row closed', 10_000);
  assert.equal((await counters(ownerA)).org.connected.mqtt, 0);
});
