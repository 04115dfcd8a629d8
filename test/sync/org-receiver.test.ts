import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readingUid, syncTopics, type SyncBatch, type SyncReading } from '../../src-shared/sync-format';
import { insertDevice } from '../../src-main/devices/queries/devices';
import { createHub, type Hub } from '../../src-main/hub';
import { OrgReceiver, SyncBatchRefused } from '../../src-main/sync/org-receiver';
import { addSite, authenticateSite } from '../../src-main/sync/sites';
import { countReadings } from '../../src-main/history/queries/readings';
import { countReceived } from '../../src-main/sync/queries/sync-received';
import { revokeSite, type SyncSite } from '../../src-main/sync/queries/sync-sites';
import { tempDir } from '../helpers/tmp';

const origin = '3f2c9a4e-1b7d-4e0a-9c55-0d8f6a2b7e11';
let hub: Hub;
let receiver: OrgReceiver;
let site: SyncSite;
let token: string;

before(async () => {
  const dir = tempDir('outpost-org-recv-');
  hub = await createHub({ dataDir: join(dir, 'org'), keyFile: join(dir, 'key'), ports: { https: null, mqtts: null, console: 0 }, logLevel: 'silent' });
  receiver = new OrgReceiver(hub.db, hub.services.pipeline, hub.logger);
  ({ site, token } = addSite(hub.db, 'plant9'));
});
after(() => hub.stop());

/** A format v1 batch, as a site of an older version sends it (no organisation). */
function batch(from: number, count: number, overrides: Record<string, unknown> = {}): Buffer {
  const readings = Array.from({ length: count }, (_, i) => ({ id: readingUid(origin, from + i), device: i % 2 ? 'a' : 'b', variable: 'v', ts: 1_750_000_000_000 + from + i, value: from + i }));
  return Buffer.from(JSON.stringify({ v: 1, site: 'plant9', origin, sentAt: Date.now(), readings, ...overrides }));
}

/** A format v2 batch: every reading names its organisation on the site. */
function batchV2(readings: Omit<SyncReading, 'id' | 'variable' | 'ts'>[], from: number): Buffer {
  const body: SyncBatch = {
    v: 2,
    site: 'plant9',
    origin,
    sentAt: Date.now(),
    readings: readings.map((r, i) => ({ id: readingUid(origin, from + i), variable: 'v', ts: 1_750_000_000_000 + from + i, ...r })),
  };
  return Buffer.from(JSON.stringify(body));
}

function valuesByDevice(labels: string[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const label of labels) {
    out[label] = hub.db
      .prepare('SELECT r.value FROM readings r JOIN variables v ON v.id = r.variable_id JOIN devices d ON d.id = v.device_id WHERE d.label = ? ORDER BY r.id')
      .pluck()
      .all(label) as number[];
  }
  return out;
}

test('a batch sent twice is stored once; the second answer counts duplicates', async () => {
  const first = await receiver.acceptSiteBatch(site, batch(1, 200));
  assert.deepEqual(first, { accepted: 200, duplicates: 0, refused: [], origin });
  const again = await receiver.acceptSiteBatch(site, batch(1, 200));
  assert.deepEqual(again, { accepted: 0, duplicates: 200, refused: [], origin });
  const overlap = await receiver.acceptSiteBatch(site, batch(101, 200));
  assert.deepEqual(overlap, { accepted: 100, duplicates: 100, refused: [], origin });
  assert.equal(countReadings(hub.db), 300);
  assert.equal(countReceived(hub.db), 300);
});

test('the same batch arriving on two connections at once is stored once', async () => {
  const before = countReadings(hub.db);
  const results = await Promise.all([receiver.acceptSiteBatch(site, batch(1000, 300)), receiver.acceptSiteBatch(site, batch(1000, 300))]);
  assert.equal(results[0]!.accepted + results[1]!.accepted, 300);
  assert.equal(countReadings(hub.db) - before, 300);
});

test("format v1 readings land under the site's first organisation's devices, {site}.{label}", () => {
  const labels = hub.db.prepare("SELECT label FROM devices WHERE label LIKE 'plant9.%' ORDER BY label").pluck().all();
  assert.deepEqual(labels, ['plant9.a', 'plant9.b']);
  const mapped = hub.db.prepare('SELECT site_org, site_label FROM sync_site_devices ORDER BY site_label').all();
  assert.deepEqual(mapped, [{ site_org: 'default', site_label: 'a' }, { site_org: 'default', site_label: 'b' }]);
});

test('format v2: two organisations of one site with the same device label stay two devices, whatever the labels contain', async () => {
  // A device of the organisation hub's own whose label is the one organisation "orgc" of the site would get first.
  insertDevice(hub.db, { orgId: 1, label: 'plant9:orgc:boiler-1', name: 'local', type: null, now: Date.now() });
  const long = `x${'.y:z-w_'.repeat(7)}end`; // 53 characters, with every character a label may hold
  const result = await receiver.acceptSiteBatch(
    site,
    batchV2(
      [
        { org: 'default', device: 'boiler-1', value: 1 },
        { org: 'orgb', device: 'boiler-1', value: 2 },
        { org: 'orgc', device: 'boiler-1', value: 3 },
        // Labels chosen to collide with naive "{site}.{org}.{label}" names: "default" has "orgb.boiler-1", orgb has "boiler-1".
        { org: 'default', device: 'orgb.boiler-1', value: 4 },
        { org: 'default', device: 'a', value: 5 },
        { org: 'orgb', device: long, value: 6 },
      ],
      9000,
    ),
  );
  assert.deepEqual(result.refused, []);
  assert.equal(result.accepted, 6);
  const mapped = hub.db
    .prepare("SELECT m.site_org AS org, m.site_label AS label, d.label AS device FROM sync_site_devices m JOIN devices d ON d.id = m.device_id WHERE m.site_label <> 'b' ORDER BY m.device_id")
    .all() as { org: string; label: string; device: string }[];
  const deviceOf = (org: string, label: string) => mapped.find((m) => m.org === org && m.label === label)?.device;
  assert.equal(deviceOf('default', 'boiler-1'), 'plant9.boiler-1');
  assert.equal(deviceOf('orgb', 'boiler-1'), 'plant9:orgb:boiler-1');
  assert.equal(deviceOf('default', 'orgb.boiler-1'), 'plant9.orgb.boiler-1');
  assert.equal(deviceOf('default', 'a'), 'plant9.a', 'a v2 reading of the first organisation goes where v1 readings went');
  assert.match(deviceOf('orgc', 'boiler-1')!, /^plant9:[0-9a-f]{20}$/, 'the first choice was taken by a device of this hub: a digest label instead');
  assert.match(deviceOf('orgb', long)!, /^plant9:[0-9a-f]{20}$/, 'too long for {site}:{org}:{label}: a digest label');
  assert.equal(new Set(mapped.map((m) => m.device)).size, mapped.length, 'every (organisation, label) has its own device');
  assert.deepEqual(valuesByDevice(['plant9.boiler-1', 'plant9:orgb:boiler-1', 'plant9:orgc:boiler-1', deviceOf('orgc', 'boiler-1')!]), {
    'plant9.boiler-1': [1],
    'plant9:orgb:boiler-1': [2],
    'plant9:orgc:boiler-1': [],
    [deviceOf('orgc', 'boiler-1')!]: [3],
  });
});

test('a reading the organisation hub will not store is refused on its own with its reason; the rest is stored; sent again it is refused again', async () => {
  const bad = (from: number) =>
    batchV2(
      [
        { org: 'default', device: 'ok-1', value: 1 },
        { org: 'default', device: 'Not A Label', value: 2 },
        { org: 'default', device: 'stopped', value: 3 },
        { org: 'default', device: 'ok-1', value: 4 },
      ],
      from,
    );
  await receiver.acceptSiteBatch(site, batchV2([{ org: 'default', device: 'stopped', value: 0 }], 9500));
  hub.db.prepare("UPDATE devices SET disabled_at = 1 WHERE label = 'plant9.stopped'").run();
  hub.services.pipeline.invalidateCaches();
  const first = await receiver.acceptSiteBatch(site, bad(9600));
  assert.equal(first.accepted, 2);
  assert.deepEqual(
    first.refused.map((r) => [r.id, r.device ?? null]),
    [
      [readingUid(origin, 9601), null],
      [readingUid(origin, 9602), 'stopped'],
    ],
  );
  assert.match(first.refused[0]!.reason, /does not follow sync format v2: device: labels are/);
  assert.match(first.refused[1]!.reason, /device "plant9.stopped" refused on the organisation hub: device "plant9.stopped" is disabled/);
  const again = await receiver.acceptSiteBatch(site, bad(9600));
  assert.deepEqual(again.refused.map((r) => r.id), first.refused.map((r) => r.id), 'refusals are not recorded as received: a resend is answered again');
  assert.equal(again.duplicates, 2);
  assert.deepEqual(valuesByDevice(['plant9.ok-1']), { 'plant9.ok-1': [1, 4] });
});

test('a reading too far in the future is refused alone, the others of its device are stored', async () => {
  const future = Date.now() + 3 * 24 * 3600 * 1000;
  const body = JSON.parse(batchV2([{ org: 'default', device: 'clock', value: 1 }, { org: 'default', device: 'clock', value: 2 }, { org: 'default', device: 'clock', value: 3 }], 9700).toString()) as SyncBatch;
  body.readings[1]!.ts = future;
  const result = await receiver.acceptSiteBatch(site, Buffer.from(JSON.stringify(body)));
  assert.equal(result.accepted, 2);
  assert.deepEqual(result.refused.map((r) => [r.id, r.ts]), [[readingUid(origin, 9701), future]]);
  assert.match(result.refused[0]!.reason, /more than a day ahead/);
  assert.deepEqual(valuesByDevice(['plant9.clock']), { 'plant9.clock': [1, 3] });
});

test('a batch naming another site, or not following the format, is refused with the reason and stores nothing', async () => {
  const before = countReadings(hub.db);
  await assert.rejects(receiver.acceptSiteBatch(site, batch(5000, 3, { site: 'plant8' })), (err: Error) => err instanceof SyncBatchRefused && /token belongs to site "plant9"/.test(err.message));
  await assert.rejects(receiver.acceptSiteBatch(site, Buffer.from('{"v":1,')), /not valid JSON/);
  await assert.rejects(receiver.acceptSiteBatch(site, batch(5000, 3, { v: 3 })), /sync format v1 or v2: v:/);
  const foreignId = JSON.parse(batch(5000, 1).toString()) as SyncBatch;
  foreignId.readings[0]!.id = readingUid('00000000-0000-4000-8000-000000000000', 5000);
  await assert.rejects(receiver.acceptSiteBatch(site, Buffer.from(JSON.stringify(foreignId))), /must start with the batch origin/);
  assert.equal(countReadings(hub.db), before);
});

test('site tokens: only the live token of that site id authenticates', () => {
  assert.equal(authenticateSite(hub.db, 'plant9', token)?.siteId, 'plant9');
  assert.equal(authenticateSite(hub.db, 'plant8', token), null, 'a token names one site');
  assert.equal(authenticateSite(hub.db, 'plant9', token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')), null);
  revokeSite(hub.db, 1, 'plant9', Date.now());
  assert.equal(authenticateSite(hub.db, 'plant9', token), null);
  assert.equal(syncTopics.readingsSite('outpost/v1/sites/plant9/readings'), 'plant9');
  assert.equal(syncTopics.readingsSite('outpost/v1/sites/+/readings'), null);
});
