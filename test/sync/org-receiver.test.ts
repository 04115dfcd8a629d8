import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readingUid, syncTopics, type SyncBatch } from '../../src-shared/sync-format';
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

function batch(from: number, count: number, overrides: Partial<SyncBatch> = {}): Buffer {
  const readings = Array.from({ length: count }, (_, i) => ({ id: readingUid(origin, from + i), device: i % 2 ? 'a' : 'b', variable: 'v', ts: 1_750_000_000_000 + from + i, value: from + i }));
  return Buffer.from(JSON.stringify({ v: 1, site: 'plant9', origin, sentAt: Date.now(), readings, ...overrides }));
}

test('a batch sent twice is stored once; the second answer counts duplicates', async () => {
  const first = await receiver.acceptSiteBatch(site, batch(1, 200));
  assert.deepEqual(first, { accepted: 200, duplicates: 0, rejected: 0 });
  const again = await receiver.acceptSiteBatch(site, batch(1, 200));
  assert.deepEqual(again, { accepted: 0, duplicates: 200, rejected: 0 });
  const overlap = await receiver.acceptSiteBatch(site, batch(101, 200));
  assert.deepEqual(overlap, { accepted: 100, duplicates: 100, rejected: 0 });
  assert.equal(countReadings(hub.db), 300);
  assert.equal(countReceived(hub.db), 300);
});

test('the same batch arriving on two connections at once is stored once', async () => {
  const before = countReadings(hub.db);
  const results = await Promise.all([receiver.acceptSiteBatch(site, batch(1000, 300)), receiver.acceptSiteBatch(site, batch(1000, 300))]);
  assert.equal(results[0]!.accepted + results[1]!.accepted, 300);
  assert.equal(countReadings(hub.db) - before, 300);
});

test("readings land under the site's devices as {site}.{label}", () => {
  const labels = hub.db.prepare("SELECT label FROM devices WHERE label LIKE 'plant9.%' ORDER BY label").pluck().all();
  assert.deepEqual(labels, ['plant9.a', 'plant9.b']);
});

test('a batch naming another site, or not following the format, is refused with the reason and stores nothing', async () => {
  const before = countReadings(hub.db);
  await assert.rejects(receiver.acceptSiteBatch(site, batch(5000, 3, { site: 'plant8' })), (err: Error) => err instanceof SyncBatchRefused && /token belongs to site "plant9"/.test(err.message));
  await assert.rejects(receiver.acceptSiteBatch(site, Buffer.from('{"v":1,')), /not valid JSON/);
  await assert.rejects(receiver.acceptSiteBatch(site, batch(5000, 3, { v: 2 as 1 })), /sync format v1: v:/);
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
