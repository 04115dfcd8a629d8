import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { syncAlarmBatchSchema, type SyncAlarmEvent } from '../../src-shared/sync-alarms';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';
import { startHubChild, waitFor, type HubChild } from './helpers/hub-child';
import { startMosquitto } from './helpers/mosquitto';
import { forgetSyncPasswordAfter, syncSet } from './helpers/scenario';

const api = <T>(hub: HubChild, method: string, input: unknown) => hub.request<{ value: T }>({ op: 'api', method, input }).then((r) => r.value);

test('site -> Mosquitto: mosquitto_sub on outpost/v1/sites/+/alarms receives the raised, acknowledged and cleared events as format-checked JSON', { timeout: 150_000 }, async () => {
  const dir = tempDir('outpost-sync-alarms-mq-');
  const dataDir = join(dir, 'hub');
  forgetKeychainEntryAfter(dataDir);
  forgetSyncPasswordAfter(dataDir);
  // README "Broker configuration": the site writes its readings and alarms topics.
  const broker = await startMosquitto(dir, {
    users: { 'site-plant4': 'site-secret', collector: 'collector-secret' },
    acl: ['user site-plant4', 'topic write outpost/v1/sites/plant4/readings', 'topic write outpost/v1/sites/plant4/alarms', 'topic read outpost/v1/sites/plant4/commands', '', 'user collector', 'topic read outpost/v1/sites/+/alarms', ''].join('\n'),
  });
  const sub = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(broker.port), '--cafile', broker.tls.caFile, '-u', 'collector', '-P', 'collector-secret', '-t', 'outpost/v1/sites/+/alarms', '-q', '1', '-v']);
  after(() => sub.kill());
  let out = '';
  sub.stdout.on('data', (d: Buffer) => (out += d.toString()));
  let err = '';
  sub.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise((r) => setTimeout(r, 500)); // subscribed before anything is published (no retained messages)

  const hub = await startHubChild({ dataDir });
  await syncSet(dataDir, ['--url', `mqtts://127.0.0.1:${broker.port}`, '--site', 'plant4', '--username', 'site-plant4', '--ca', broker.tls.caFile, '--all', '--enable'], 'site-secret');
  await waitFor('connected', async () => (await hub.status()).state === 'connected', 20_000);
  await hub.ingest(['freezer-1'], 0, 3);
  const [device] = await api<{ id: number }[]>(hub, 'devices.list', {});
  await api(hub, 'alarmRules.create', { name: 'warm', spec: { scope: { kind: 'device', deviceId: device!.id }, subject: { kind: 'variable', variable: 'seq' }, op: '>', levels: [{ severity: 'critical', value: 4 }] } });
  await hub.ingest(['freezer-1'], 3, 4);
  const [alarm] = await waitFor('raised', async () => {
    const l = await api<{ id: number }[]>(hub, 'alarms.list', { state: 'active' });
    return l.length === 1 && l;
  }, 20_000);
  await api(hub, 'alarms.ack', { alarmId: alarm!.id, comment: 'on it' });
  await api(hub, 'alarms.clear', { alarmId: alarm!.id });

  const events = await waitFor('three events at mosquitto_sub', async () => {
    const got: SyncAlarmEvent[] = [];
    for (const line of out.split('\n').filter(Boolean)) {
      const space = line.indexOf(' ');
      assert.equal(line.slice(0, space), 'outpost/v1/sites/plant4/alarms');
      const batch = syncAlarmBatchSchema.parse(JSON.parse(line.slice(space + 1)));
      assert.equal(batch.site, 'plant4');
      assert.equal(batch.origin, hub.hubId);
      got.push(...batch.events);
    }
    return got.length >= 3 && got;
  }, 30_000).catch((e: Error) => {
    throw new Error(`${e.message}; mosquitto_sub: ${out} ${err}\n${broker.log()}`);
  });
  const unique = new Map(events.map((e) => [`${e.alarmId}:${e.seq}`, e]));
  assert.deepEqual([...unique.values()].map((e) => [e.event, e.device, e.severity, e.state]), [
    ['raised', 'freezer-1', 'critical', 'active'],
    ['acknowledged', 'freezer-1', 'critical', 'active'],
    ['cleared', 'freezer-1', 'critical', 'cleared'],
  ]);
  assert.equal([...unique.values()][1]!.acknowledged?.comment, 'on it');
  assert.equal((await hub.status()).lastError, null);
  await hub.stop();
  await broker.stop();
});
