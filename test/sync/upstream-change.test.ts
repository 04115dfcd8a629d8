import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src-main/cli/open-store';
import { loadSyncSettings, saveSyncSettings } from '../../src-main/sync/settings';
import { runCli } from '../helpers/cli';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';
import { startHubChild, waitFor } from './helpers/hub-child';
import { forgetSyncPasswordAfter, siteBroker, syncSet } from './helpers/scenario';

/** Mosquitto logs every CONNECT it refuses ("not authorised") and every one it takes. */
const refusedConnects = (log: string) => log.split('\n').filter((l) => /not authorised/.test(l)).length;
const acceptedConnects = (log: string, user: string) => log.split('\n').filter((l) => l.includes('New client connected') && l.includes(`u'${user}'`)).length;

test("a new upstream URL or CA needs the password again: the old password never reaches the new upstream", { timeout: 240_000 }, async (t) => {
  const dir = tempDir('outpost-sync-move-');
  const dataDir = join(dir, 'hub');
  forgetKeychainEntryAfter(dataDir);
  forgetSyncPasswordAfter(dataDir);
  mkdirSync(join(dir, 'old'));
  mkdirSync(join(dir, 'new'));
  // The same site user on both; each broker knows only its own password, so a CONNECT with the other one is logged as refused.
  const old = await siteBroker(join(dir, 'old'), 'plant1', 'old-secret');
  const next = await siteBroker(join(dir, 'new'), 'plant1', 'new-secret');
  const hub = await startHubChild({ dataDir });
  await syncSet(dataDir, ['--url', `mqtts://127.0.0.1:${old.broker.port}`, '--site', 'plant1', '--username', 'site-plant1', '--ca', old.broker.tls.caFile], 'old-secret');
  await waitFor('connected to the old upstream', async () => (await hub.status()).state === 'connected', 20_000);

  const newUrl = `mqtts://127.0.0.1:${next.broker.port}`;
  for (const args of [['--url', newUrl], ['--ca', next.broker.tls.caFile], ['--url', newUrl, '--ca', next.broker.tls.caFile]]) {
    const r = await runCli(['sync', 'set', '--data-dir', dataDir, ...args]);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /SYNC_PASSWORD_REQUIRED/);
    assert.match(r.stderr, /--password-stdin/);
  }
  assert.equal((await hub.status()).url, `mqtts://127.0.0.1:${old.broker.port}`, 'a refused change changes nothing');

  // Settings that name the new upstream without a new password (written past the CLI's check: an older CLI, a crash between the
  // keychain and the database): the stored password was given for the old upstream and is not sent.
  const store = await openStore(dataDir, undefined);
  try {
    const current = loadSyncSettings(store.db)!;
    saveSyncSettings(store.db, { ...current, url: newUrl, caPem: next.broker.tls.caPem });
  } finally {
    store.close();
  }
  const stuck = await waitFor('refused to use the old password', async () => {
    const s = await hub.status();
    return s.lastError?.code === 'SYNC_CREDENTIALS_MISSING' && s;
  }, 20_000);
  assert.match(stuck.lastError!.message, /given for another URL or CA, so it is not sent to mqtts:\/\/127\.0\.0\.1:\d+/);
  assert.match(stuck.lastError!.hint, /--password-stdin/);
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal(refusedConnects(next.broker.log()), 0, `a CONNECT with the old password reached the new upstream\n${next.broker.log()}`);
  assert.doesNotMatch(next.broker.log(), /outpost-site-plant1/, 'the site did not connect to the new upstream at all');

  // With the new password: connected, readings arrive, and the new upstream never saw another password.
  await syncSet(dataDir, ['--url', newUrl, '--ca', next.broker.tls.caFile], 'new-secret');
  await waitFor('connected to the new upstream', async () => {
    const s = await hub.status();
    return s.state === 'connected' && s.url === newUrl;
  }, 20_000);
  await hub.ingest(['meter'], 0, 50);
  await waitFor('readings at the new upstream', async () => next.collector.unique.size >= 50, 30_000);
  const log = next.broker.log();
  t.diagnostic(`new upstream: ${acceptedConnects(log, 'site-plant1')} CONNECT(s) taken, ${refusedConnects(log)} refused`);
  assert.ok(acceptedConnects(log, 'site-plant1') >= 1);
  assert.equal(refusedConnects(log), 0, `the new upstream refused a CONNECT: the old password reached it\n${log}`);
  assert.equal((await hub.status()).lastError, null, 'connected: the credentials error is mended');

  await hub.stop();
  for (const b of [old, next]) {
    await b.collector.stop();
    await b.broker.stop();
  }
});
