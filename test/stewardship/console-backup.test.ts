import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readBackupHeader } from '../../src-main/store/backup/format';
import { launchBrowser } from '../helpers/browser';
import { startServe } from '../helpers/cli';
import { addUserWithCli, consolePage, consoleUrl, screenshotPath, signIn } from '../helpers/console-ui';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';

const password = 'console backup passphrase';

test('the hub owner backs up from the Hub page in Chromium and sets the organisation’s retention; an organisation admin sees no backup button but the retention', async () => {
  const dataDir = tempDir();
  forgetKeychainEntryAfter(dataDir);
  await addUserWithCli(dataDir, 'owner@example.com', 'owner', password);
  await addUserWithCli(dataDir, 'admin@example.com', 'admin', password);
  const serve = await startServe(['--data-dir', dataDir]);
  const browser = await launchBrowser(dataDir);
  const url = consoleUrl(serve.ready.consoleUrl);

  const owner = await consolePage(browser);
  await signIn(owner.page, url, 'owner@example.com', password);
  await owner.page.goto(`${url}/#/status`);
  await owner.page.getByRole('button', { name: 'Back up now' }).click();
  const done = owner.page.getByTestId('backup-done');
  await done.waitFor({ timeout: 30_000 });
  const files = readdirSync(join(dataDir, 'backups'));
  assert.equal(files.length, 1, `one backup in the backups folder: ${files.join(', ')}`);
  assert.ok((await done.textContent())?.includes(files[0]!), 'the page names the file');
  const { manifest } = readBackupHeader(join(dataDir, 'backups', files[0]!));
  assert.equal(manifest.hubId, serve.ready.hubId);
  assert.equal(manifest.rowCounts.users, 2);
  // Retention of the organisation, on the same page: raw readings 30 days, hourly rollups still forever.
  await owner.page.getByLabel('Raw readings').fill('30');
  await owner.page.getByRole('button', { name: 'Save retention' }).click();
  await owner.page.getByTestId('retention-saved').waitFor();
  await owner.page.screenshot({ path: screenshotPath(dataDir, 'backup') });
  assert.deepEqual(owner.errors, []);

  const admin = await consolePage(browser);
  await signIn(admin.page, url, 'admin@example.com', password);
  await admin.page.goto(`${url}/#/status`);
  await admin.page.getByTestId('hub-id').waitFor();
  assert.equal(await admin.page.getByRole('button', { name: 'Back up now' }).count(), 0, 'only the hub owner backs up the hub');
  assert.equal(await admin.page.getByLabel('Raw readings').inputValue(), '30', 'an organisation admin sees and may change retention');
  assert.equal(await admin.page.getByLabel('1-hour rollups').inputValue(), '', 'forever');
  assert.ok(existsSync(join(dataDir, 'backups')));
  assert.equal((await serve.stop()).code, 0);
});
