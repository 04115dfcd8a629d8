import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';
import { startHubChild, waitFor, type HubChild } from '../sync/helpers/hub-child';
import { syncSet } from '../sync/helpers/scenario';

async function setting(dataDir: string, name: string, value: string, keyFile?: string): Promise<string> {
  const r = await runCli(['settings', 'set', name, value, '--data-dir', dataDir, ...(keyFile ? ['--key-file', keyFile] : [])]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

async function orgReadings(org: HubChild): Promise<number> {
  return (await org.request<{ rows: unknown[] }>({ op: 'dump', prefix: 'plant2.' })).rows.length;
}

test('residency: an organisation hub that requires EU refuses a site without a label and one labelled US, with a clear error on both sides, and takes an EU site', async () => {
  const dir = tempDir('outpost-residency-');
  const orgDir = join(dir, 'org');
  const siteDir = join(dir, 'site');
  const siteKey = join(dir, 'site.key');
  forgetKeychainEntryAfter(orgDir);

  const org = await startHubChild({ dataDir: orgDir, orgPort: 0 });
  const added = await runCli(['site', 'add', 'plant2', '--data-dir', orgDir, '--json']);
  assert.equal(added.code, 0, added.stderr);
  const { token } = JSON.parse(added.stdout) as { token: string };
  // Typed in lower case: the label is case folded.
  assert.equal(await setting(orgDir, 'sync-required-residency', 'eu'), 'sync-required-residency = EU');
  const bad = await runCli(['settings', 'set', 'residency', 'EU/West', '--data-dir', orgDir]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr + bad.stdout, /not a valid value for residency/);

  const site = await startHubChild({ dataDir: siteDir, keyFile: siteKey });
  await syncSet(siteDir, ['--key-file', siteKey, '--url', `mqtts://127.0.0.1:${org.orgPort}`, '--site', 'plant2', '--username', 'plant2', '--ca', join(orgDir, 'tls', 'ca.crt')], token);
  await site.ingest(['boiler-1'], 0, 50);

  // No label: refused before any reading is sent.
  const none = await waitFor('refused without a label', async () => {
    const s = await site.status();
    return s.lastError?.code === 'UPSTREAM_RESIDENCY' && s;
  }, 30_000);
  assert.match(none.lastError!.message, /requires data residency "EU"; this site's label is not set/);
  assert.match(none.lastError!.hint, /outpost settings set residency EU/);
  assert.equal(none.backlog, 50, 'the readings are kept');

  // US: refused too, and the message names both labels.
  await setting(siteDir, 'residency', 'us', siteKey);
  const us = await waitFor('refused as US', async () => {
    const s = await site.status();
    return s.lastError?.message.includes('"US"') && s;
  }, 30_000);
  assert.match(us.lastError!.message, /requires data residency "EU"; this site's label is "US"/);
  assert.equal(await orgReadings(org), 0, 'the organisation stored nothing from a site that does not match');
  // The organisation's log says so too (read from the child's stderr, which may lag the site's status).
  await waitFor('the organisation logs both refusals', async () => /"required":"EU","offered":"US".*data-residency label does not match/.test(org.stderr()), 10_000);
  assert.match(org.stderr(), /"required":"EU","offered":"none"/);

  // EU: accepted; every reading arrives and the error clears.
  await setting(siteDir, 'residency', 'EU', siteKey);
  await waitFor('EU site synced', async () => {
    const s = await site.status();
    return s.backlog === 0 && s.lastError === null && s;
  }, 60_000);
  assert.equal(await orgReadings(org), 50);

  // The requirement lifted: any site is taken again (here the same one, labelled US once more).
  await setting(orgDir, 'sync-required-residency', 'none');
  await setting(siteDir, 'residency', 'US', siteKey);
  await site.ingest(['boiler-1'], 50, 10);
  await waitFor('US site synced without a requirement', async () => (await site.status()).backlog === 0, 60_000);
  assert.equal(await orgReadings(org), 60);

  await site.stop();
  await org.stop();
});
