import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';
import { startHubChild, waitFor, type HubChild } from './helpers/hub-child';
import { assertCompleteInOrder, forgetSyncPasswordAfter, siteBroker, syncSet } from './helpers/scenario';

const devices = ['boiler-1', 'boiler-2', 'pump-1', 'pump-2'];
const perPhase = 1250; // per device; 4 phases x 4 devices x 1250 = 20,000 readings

test('20,000 readings reach Mosquitto through an upstream outage and a kill -9 of the hub: all, once after de-duplication, in order per device', async (t) => {
  const dir = tempDir('outpost-sync-');
  const dataDir = `${dir}/hub`;
  forgetKeychainEntryAfter(dataDir);
  forgetSyncPasswordAfter(dataDir);

  const { broker, collector } = await siteBroker(dir, 'plant1', 'site-secret');

  let hub: HubChild = await startHubChild({ dataDir });
  // Configured from another process while the hub serves: the hub picks it up.
  await syncSet(dataDir, ['--url', `mqtts://127.0.0.1:${broker.port}`, '--site', 'plant1', '--username', 'site-plant1', '--ca', broker.tls.caFile, '--all', '--enable'], 'site-secret');
  await waitFor('connected', async () => (await hub.status()).state === 'connected', 20_000);

  await hub.ingest(devices, 0, perPhase);

  // Upstream down: readings queue up, status says offline, nothing is lost.
  await broker.stop();
  await waitFor('offline', async () => (await hub.status()).state !== 'connected', 20_000);
  await hub.ingest(devices, perPhase, perPhase);
  const offline = await hub.status();
  assert.ok(offline.backlog >= devices.length * perPhase, `backlog ${offline.backlog} while the upstream is down`);
  assert.ok(offline.oldestUnsentAt !== null);

  // Upstream back; the hub is killed with -9 while it drains.
  await broker.start();
  await hub.ingest(devices, 2 * perPhase, perPhase);
  const before = offline.sentTotal;
  const resumed = await waitFor('sync resumed', async () => {
    const st = await hub.status();
    return st.sentTotal > before && st;
  }, 60_000, 10);
  await hub.kill9();
  t.diagnostic(`kill -9 with ${resumed.backlog} readings unsent, ${resumed.sentTotal} sent`);

  hub = await startHubChild({ dataDir });
  await hub.ingest(devices, 3 * perPhase, perPhase);
  await waitFor('backlog drained', async () => (await hub.status()).backlog === 0, 90_000);
  const total = devices.length * 4 * perPhase;
  await waitFor('collector has everything', async () => collector.unique.size >= total, 60_000).catch((err: Error) => {
    const got = new Set([...collector.unique.values()].map((r) => `${r.device}:${r.value}`));
    const missing = devices.flatMap((d) => [...Array(4 * perPhase).keys()].filter((v) => !got.has(`${d}:${v}`)).map((v) => `${d}:${v}`));
    throw new Error(`${err.message}: ${collector.unique.size} of ${total}; missing ${missing.length}, first ${missing.slice(0, 5).join(' ')}; collector ${collector.state()}\n${broker.log()}`);
  });

  t.diagnostic(`${collector.ids.length} readings on the wire, ${collector.unique.size} distinct; collector ${collector.state().split(';')[0]}`);
  assert.equal(collector.unique.size, total, 'every reading arrived exactly once after de-duplication by id');
  assert.ok(collector.ids.length >= total, 'at least once on the wire');
  assertCompleteInOrder(collector.unique.values(), devices, 4 * perPhase);

  const status = await runCli(['sync', 'status', '--data-dir', dataDir, '--json']);
  assert.equal(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout) as { backlog: number; state: string; lastSuccessAt: number | null };
  assert.equal(s.backlog, 0);
  assert.equal(s.state, 'connected');
  assert.ok(s.lastSuccessAt !== null);

  await hub.stop();
  await collector.stop();
  await broker.stop();
});
