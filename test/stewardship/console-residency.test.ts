import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchBrowser } from '../helpers/browser';
import { startServe } from '../helpers/cli';
import { addUserWithCli, cli, consolePage, consoleUrl, shootBothSizes, signIn } from '../helpers/console-ui';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';

const password = 'console residency passphrase';

test('the hub owner sets the data-residency label on the Hub page in Chromium (audited, also in the CLI); an organisation admin sees the label but no form', async () => {
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
  assert.equal(await owner.page.getByTestId('residency').textContent(), 'not set');
  const form = owner.page.getByTestId('residency-settings');
  // Not a label: refused with the reason, nothing saved.
  await form.getByLabel('This hub’s label').fill('EU/West');
  await form.getByRole('button', { name: 'Save' }).click();
  await form.getByRole('alert').waitFor();
  assert.match((await form.getByRole('alert').textContent()) ?? '', /not a valid value for residency/);
  await form.getByLabel('This hub’s label').fill('eu');
  await form.getByRole('button', { name: 'Save' }).click();
  await owner.page.getByTestId('residency-settings-saved').waitFor();
  await owner.page.reload();
  await owner.page.getByTestId('residency').filter({ hasText: 'EU' }).waitFor({ timeout: 10_000 });
  // Scheduled backups, on the same page: a folder that is not there is reported after the first run.
  const schedule = owner.page.getByTestId('backup-schedule');
  await schedule.getByLabel('Every (hours, or off)').fill('24');
  await schedule.getByLabel('Backups kept').fill('5');
  await schedule.getByRole('button', { name: 'Save' }).click();
  await owner.page.getByTestId('backup-schedule-saved').waitFor();
  assert.match((await owner.page.getByTestId('backup-last').textContent()) ?? '', /No scheduled backup has run yet/);
  assert.match(await cli(['settings', 'get', 'backup-keep'], dataDir), /backup-keep = 5/);
  await shootBothSizes(owner.page, dataDir, 'hub-residency');
  assert.deepEqual(owner.errors, []);

  const admin = await consolePage(browser);
  await signIn(admin.page, url, 'admin@example.com', password);
  await admin.page.goto(`${url}/#/status`);
  await admin.page.getByTestId('residency').filter({ hasText: 'EU' }).waitFor({ timeout: 10_000 });
  assert.equal(await admin.page.getByTestId('residency-settings').count(), 0, 'only the hub owner changes it');
  assert.equal(await admin.page.getByTestId('backup-schedule').count(), 0, 'only the hub owner schedules backups');

  assert.match(await cli(['settings', 'get', 'residency'], dataDir), /residency = EU/);
  const audit = await cli(['audit', 'list', '--action', 'hubSettings.set'], dataDir);
  assert.match(audit, /setting:residency/, `the change is audited: ${audit}`);
  assert.equal((await serve.stop()).code, 0);
});
