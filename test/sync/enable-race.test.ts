import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from './helpers/hub-child';
import { siteWithBroker, syncSet } from './helpers/scenario';

const rounds = 20;
const perRound = 5;

test('readings committed right after `outpost sync set --enable` returns reach the upstream, 20 times in a row; the payload tells organisations apart', { timeout: 300_000 }, async (t) => {
  const { dataDir, hub, broker, collector } = await siteWithBroker('outpost-sync-enable-', 'plant4', 'site-secret');
  await syncSet(dataDir, ['--url', `mqtts://127.0.0.1:${broker.port}`, '--site', 'plant4', '--username', 'site-plant4', '--ca', broker.tls.caFile, '--disable'], 'site-secret');

  const started = Date.now();
  for (let round = 0; round < rounds; round++) {
    // Another process switches sync on; the readings come at once, before the hub's watcher can have noticed.
    await syncSet(dataDir, ['--enable']);
    await hub.ingest(['meter'], round * perRound, perRound);
    // Off again through the console API (in the hub, quick), so that the next round switches it on again.
    await hub.request({ op: 'configure', input: { enabled: false } });
  }
  t.diagnostic(`${rounds} rounds in ${Date.now() - started} ms`);
  await syncSet(dataDir, ['--enable']);

  // Two organisations of the site, each with a device "boiler-1": a plain broker's consumer tells them apart by `org`.
  const { id: orgB } = await hub.request<{ id: number }>({ op: 'addOrg', slug: 'orgb' });
  await hub.ingest(['boiler-1'], 0, 1);
  await hub.request({ op: 'ingest', devices: ['boiler-1'], from: 1, count: 1, baseTs: 1_750_000_000_000, orgId: orgB });

  const total = rounds * perRound + 2;
  await waitFor('collector has every reading', async () => collector.unique.size >= total, 60_000).catch((err: Error) => {
    const got = new Set([...collector.unique.values()].filter((r) => r.device === 'meter').map((r) => r.value));
    const missing = [...Array(rounds * perRound).keys()].filter((v) => !got.has(v));
    throw new Error(`${err.message}: ${collector.unique.size} of ${total}; meter values missing: ${missing.join(' ')}; collector ${collector.state()}`);
  });
  const rows = [...collector.unique.values()];
  assert.deepEqual(
    rows.filter((r) => r.device === 'meter').map((r) => r.value).sort((a, b) => a - b),
    [...Array(rounds * perRound).keys()],
    'every reading, none missing',
  );
  assert.ok(rows.filter((r) => r.device === 'meter').every((r) => r.org === 'default'));
  assert.deepEqual(
    rows.filter((r) => r.device === 'boiler-1').map((r) => [r.org, r.value]),
    [
      ['default', 0],
      ['orgb', 1],
    ],
  );
  // Batches sent before a round switched sync off again are sent again (same ids) once it is back on.
  await waitFor('backlog drained', async () => (await hub.status()).backlog === 0, 60_000);
  await hub.stop();
  await collector.stop();
  await broker.stop();
});
