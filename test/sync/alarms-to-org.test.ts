import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import mqtt from 'mqtt';
import { syncAlarmFormatVersion } from '../../src-shared/sync-alarms';
import { syncTopics } from '../../src-shared/sync-format';
import { startHubChild, waitFor, type HubChild } from './helpers/hub-child';
import { orgWithSite, syncSet } from './helpers/scenario';

interface SiteAlarm {
  site: string;
  seq: number;
  alarmId: number;
  event: string;
  device: string;
  org: string;
  state: string;
  severity: string;
  acknowledged: { by: string; comment: string | null } | null;
  deviceId: number;
  receivedAt: number;
}

const api = <T>(hub: HubChild, method: string, input: unknown, orgId = 1) => hub.request<{ value: T }>({ op: 'api', method, input, orgId }).then((r) => r.value);

test('site -> Outpost organisation hub: raise, acknowledge and clear arrive once each over MQTT/TLS, through an org restart and a replayed batch; only the site organisation sees them', { timeout: 200_000 }, async (t) => {
  const setup = await orgWithSite('outpost-sync-alarms-', 'plant3');
  const { orgDir, siteDir, siteKey, orgPort, token } = setup;
  let org: HubChild = setup.org;
  await org.request({ op: 'addOrg', slug: 'other' });

  const site: HubChild = await startHubChild({ dataDir: siteDir, keyFile: siteKey });
  await syncSet(siteDir, ['--key-file', siteKey, '--url', `mqtts://127.0.0.1:${orgPort}`, '--site', 'plant3', '--username', 'plant3', '--ca', join(orgDir, 'tls', 'ca.crt')], token);
  await waitFor('connected', async () => (await site.status()).state === 'connected', 20_000);

  await site.ingest(['boiler-1'], 0, 3);
  const [device] = await api<{ id: number; label: string }[]>(site, 'devices.list', {});
  await api(site, 'alarmRules.create', { name: 'hot', spec: { scope: { kind: 'device', deviceId: device!.id }, subject: { kind: 'variable', variable: 'seq' }, op: '>', levels: [{ severity: 'major', value: 5 }] } });
  await site.ingest(['boiler-1'], 3, 7); // 6..9 are above 5
  const [alarm] = await waitFor('alarm raised on the site', async () => {
    const l = await api<{ id: number }[]>(site, 'alarms.list', { state: 'active' });
    return l.length === 1 && l;
  }, 20_000);

  const orgEvents = () => api<SiteAlarm[]>(org, 'alarms.sites', {});
  const raised = await waitFor('raised at the org', async () => {
    const l = await orgEvents();
    return l.length === 1 && l;
  }, 30_000);
  assert.deepEqual(raised.map((e) => [e.site, e.org, e.device, e.alarmId, e.event, e.state, e.severity]), [['plant3', 'default', 'boiler-1', alarm!.id, 'raised', 'active', 'major']]);

  // The organisation hub is down while the alarm is acknowledged and cleared: the events wait in the site's outbox.
  await org.stop();
  await api(site, 'alarms.ack', { alarmId: alarm!.id, comment: 'door shut' });
  await api(site, 'alarms.clear', { alarmId: alarm!.id });
  org = await startHubChild({ dataDir: orgDir, orgPort });
  const all = await waitFor('ack and clear at the org', async () => {
    const l = await orgEvents();
    return l.length >= 3 && l;
  }, 60_000);
  const ordered = [...all].sort((a, b) => a.seq - b.seq);
  assert.deepEqual(ordered.map((e) => e.event), ['raised', 'acknowledged', 'cleared'], 'each event once, after the reconnect');
  assert.deepEqual([ordered[1]!.acknowledged?.by, ordered[1]!.acknowledged?.comment], ['cli:test', 'door shut']);
  assert.equal(ordered[2]!.state, 'cleared');

  // A replay of the same batch (as after a lost PUBACK) stores nothing new.
  const events = ordered.map(({ site: _s, receivedAt: _r, deviceId: _d, ...e }) => e);
  const replay = JSON.stringify({ v: syncAlarmFormatVersion, site: 'plant3', origin: site.hubId, sentAt: Date.now(), events });
  const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${orgPort}`, { protocolVersion: 4, clientId: 'replay-plant3', username: 'plant3', password: token, ca: [readFileSync(join(orgDir, 'tls', 'ca.crt'))], reconnectPeriod: 0 });
  await client.publishAsync(syncTopics.alarms('plant3'), replay, { qos: 1 });
  await client.publishAsync(syncTopics.alarms('plant3'), replay, { qos: 1 });
  // Another site's name in the batch is refused (the connection is closed, no PUBACK).
  const outcome = await new Promise<string>((resolve) => {
    client.once('close', () => resolve('closed'));
    client.publish(syncTopics.alarms('plant3'), replay.replace('"site":"plant3"', '"site":"plant9"'), { qos: 1 }, (err) => resolve(err ? 'error' : 'acknowledged'));
  });
  assert.notEqual(outcome, 'acknowledged');
  client.end(true);
  const after = await orgEvents();
  assert.equal(after.length, 3, 'the replayed events were not stored twice');

  // Permission scope: another organisation of the organisation hub sees none of them.
  assert.deepEqual(await api(org, 'alarms.sites', {}, 2), []);
  assert.equal((await api<SiteAlarm[]>(org, 'alarms.sites', { siteId: 'plant3' })).length, 3);
  t.diagnostic(`events at the org: ${after.map((e) => `${e.seq}:${e.event}`).join(' ')}`);

  await site.stop();
  await org.stop();
});
