import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli';
import { waitFor } from './helpers/hub-child';
import { siteWithBroker, syncSet } from './helpers/scenario';

/** CONNECTs Mosquitto took from this client id (it logs each one). */
const connects = (log: string, clientId: string) => log.split('\n').filter((l) => l.includes('New client connected') && l.includes(` as ${clientId} `)).length;

test('to a plain broker: a reading that fails the site check is a dead letter and the queue moves on; while the broker refuses batches, reconnects follow the backoff', { timeout: 240_000 }, async (t) => {
  const { dataDir, hub, broker, collector } = await siteWithBroker('outpost-sync-poison-', 'plant3', 'site-secret');
  const first = await runCli(['sync', 'set', '--data-dir', dataDir, '--url', `mqtts://127.0.0.1:${broker.port}`, '--site', 'plant3', '--username', 'site-plant3', '--ca', broker.tls.caFile, '--password-stdin'], {
    input: 'site-secret\n',
  });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /Sync is on from now: readings stored before are not sent/, 'the first switch-on says whether earlier readings are included');
  const late = await runCli(['sync', 'set', '--data-dir', dataDir, '--include-history']);
  assert.equal(late.code, 1);
  assert.match(late.stderr, /SYNC_HISTORY_NOT_APPLICABLE/);

  // A reading an older version stored and queued for a device whose label sync format v2 does not allow (a space).
  await hub.ingest(['before'], 0, 200);
  await hub.request({ op: 'legacyReading', label: 'old meter', value: 1 });
  await hub.ingest(['after'], 0, 200);
  const drained = await waitFor('drained past the poisoned reading', async () => {
    const s = await hub.status();
    return s.backlog === 0 && s;
  }, 60_000);
  await waitFor('collected', async () => collector.unique.size >= 400, 30_000);
  assert.equal(collector.unique.size, 400);
  assert.equal(drained.deadLetters.count, 1);
  const [dead] = drained.deadLetters.recent;
  assert.deepEqual([dead!.source, dead!.device], ['site', 'old meter']);
  assert.match(dead!.reason, /does not follow sync format v2: device: labels are/);
  assert.equal(drained.sentTotal, 400, 'the dead letter is not counted as sent');

  // The broker's ACL refuses every batch of site "intruder" (MQTT 5 PUBACK 0x87): the site reconnects, but on its backoff,
  // not each time the CONNECT succeeds.
  await syncSet(dataDir, ['--site', 'intruder']);
  // Readings are queued by the settings committed before them, but the running hub publishes under the site id it has
  // loaded: wait until it has noticed the change (within a second), so these go out as "intruder".
  await waitFor('the hub applies the new site id', async () => (await hub.status()).siteId === 'intruder', 10_000);
  await hub.ingest(['after'], 200, 10);
  await waitFor('refused', async () => (await hub.status()).lastError?.code === 'UPSTREAM_REFUSED', 30_000);
  const before = connects(broker.log(), 'outpost-site-intruder');
  const windowMs = 12_000;
  await new Promise((r) => setTimeout(r, windowMs));
  const during = connects(broker.log(), 'outpost-site-intruder') - before;
  t.diagnostic(`${during} reconnects in ${windowMs / 1000} s while every batch is refused`);
  // Backoff 0.5 s doubling (each delay from its upper half): at most 5 in 12 s; resetting on every CONNACK made it about 3 a second.
  assert.ok(during <= 7, `${during} reconnects in ${windowMs / 1000} s`);
  const refused = await hub.status();
  assert.equal(refused.backlog, 10, 'refused batches are kept');

  // Back to the right site id: the batch is acknowledged and the old error no longer shows.
  await syncSet(dataDir, ['--site', 'plant3']);
  const mended = await waitFor('drained', async () => {
    const s = await hub.status();
    return s.backlog === 0 && s;
  }, 60_000);
  assert.equal(mended.lastError, null, 'an acknowledged batch clears the last error');

  const cli = await runCli(['sync', 'status', '--data-dir', dataDir]);
  assert.match(cli.stdout, /dead letters +1 reading\(s\) that will not be sent:/);
  assert.match(cli.stdout, /default\/old meter\/seq \(site\): the reading does not follow sync format v2/);
  assert.match(cli.stdout, /last error +none/);

  await hub.stop();
  await collector.stop();
  await broker.stop();
});
