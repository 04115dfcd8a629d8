import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';
import { startHubChild, waitFor, type HubChild } from './helpers/hub-child';
import { brokerTls } from './helpers/mosquitto';
import { assertCompleteInOrder, forgetSyncPasswordAfter, siteBroker, syncSet } from './helpers/scenario';

async function waitForError(hub: HubChild, code: string) {
  return waitFor(`status error ${code}`, async () => {
    const s = await hub.status();
    return s.lastError?.code === code && s;
  }, 30_000);
}

test('wrong password, wrong CA, a topic the upstream refuses: a clear status error each time, the backlog kept, nothing lost once fixed', async (t) => {
  const dir = tempDir('outpost-sync-err-');
  const dataDir = join(dir, 'hub');
  forgetKeychainEntryAfter(dataDir);
  forgetSyncPasswordAfter(dataDir);
  const { broker, collector } = await siteBroker(dir, 'plant3', 'right-secret');
  const hub = await startHubChild({ dataDir });
  await hub.ingest(['meter'], 0, 100);
  assert.equal((await hub.status()).state, 'unconfigured');
  assert.equal((await hub.status()).backlog, 0, 'nothing is queued before sync is configured');

  const url = `mqtts://127.0.0.1:${broker.port}`;
  await syncSet(dataDir, ['--url', url, '--site', 'plant3', '--username', 'site-plant3', '--ca', broker.tls.caFile], 'wrong-secret');
  await waitFor('settings applied', async () => (await hub.status()).configured, 10_000);
  await hub.ingest(['meter'], 100, 300);
  const auth = await waitForError(hub, 'UPSTREAM_AUTH');
  assert.match(auth.lastError!.message, /refused the site's user name or password/);
  assert.match(auth.lastError!.hint, /outpost sync set/);
  assert.notEqual(auth.state, 'connected');
  assert.equal(auth.backlog, 300);
  t.diagnostic(`auth: ${auth.lastError!.message}`);

  const other = await brokerTls(dir, 'other');
  await syncSet(dataDir, ['--ca', other.caFile], 'right-secret');
  const tls = await waitForError(hub, 'UPSTREAM_TLS');
  assert.match(tls.lastError!.message, /certificate that the configured CA does not vouch for/);
  assert.equal(tls.backlog, 300);
  t.diagnostic(`tls: ${tls.lastError!.message}`);

  // The ACL lets this user publish only under plant3; as "intruder" every batch is refused (MQTT 5 PUBACK 0x87).
  await syncSet(dataDir, ['--ca', broker.tls.caFile, '--site', 'intruder'], 'right-secret');
  const refused = await waitForError(hub, 'UPSTREAM_REFUSED');
  assert.match(refused.lastError!.message, /refused readings published to outpost\/v1\/sites\/intruder\/readings/);
  assert.equal(refused.backlog, 300, 'a refused batch is not marked sent');
  t.diagnostic(`refused: ${refused.lastError!.message}`);

  const cli = await runCli(['sync', 'status', '--data-dir', dataDir]);
  assert.equal(cli.code, 0);
  assert.match(cli.stdout, /backlog +300 reading/);
  assert.match(cli.stdout, /UPSTREAM_REFUSED/);

  await syncSet(dataDir, ['--site', 'plant3']);
  await waitFor('drained', async () => (await hub.status()).backlog === 0, 30_000);
  await waitFor('collected', async () => collector.unique.size >= 300, 10_000);
  assert.equal(collector.unique.size, 300);
  assertCompleteInOrder([...collector.unique.values()].map((r) => ({ ...r, value: r.value - 100 })), ['meter'], 300);

  await hub.stop();
  await collector.stop();
  await broker.stop();
});

test('sync set refuses bad input with a clear message and changes nothing', async () => {
  const dir = tempDir('outpost-sync-cli-');
  const dataDir = join(dir, 'hub');
  forgetKeychainEntryAfter(dataDir);
  const hub = await startHubChild({ dataDir });
  await hub.stop();
  const plain = await runCli(['sync', 'set', '--data-dir', dataDir, '--url', 'mqtt://example.invalid:1883']);
  assert.equal(plain.code, 2);
  assert.match(plain.stderr, /mqtts:\/\/host:port \(TLS only\)/);
  const incomplete = await runCli(['sync', 'set', '--data-dir', dataDir, '--url', 'mqtts://127.0.0.1:8883']);
  assert.equal(incomplete.code, 1);
  assert.match(incomplete.stderr, /SYNC_SETTINGS_INCOMPLETE/);
  const badCa = join(dir, 'not-a-ca.pem');
  writeFileSync(badCa, '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n');
  const ca = await runCli(['sync', 'set', '--data-dir', dataDir, '--url', 'mqtts://127.0.0.1:8883', '--site', 's1', '--username', 'u', '--ca', badCa, '--password-stdin'], { input: 'pw\n' });
  assert.equal(ca.code, 1);
  assert.match(ca.stderr, /SYNC_CA_INVALID/);
  const status = await runCli(['sync', 'status', '--data-dir', dataDir, '--json']);
  assert.equal((JSON.parse(status.stdout) as { state: string }).state, 'unconfigured');
});
