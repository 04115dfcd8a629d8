import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { launchBrowser } from '../helpers/browser';
import { startServe } from '../helpers/cli';
import { consolePage, consoleUrl, screenshotPath } from '../helpers/console-ui';
import { tempDir } from '../helpers/tmp';

/**
 * From a fresh data directory to a signed-in owner without a terminal: the
 * hub prints a setup address, the console offers "Create the owner account"
 * with it, and the address is worthless afterwards.
 */
test('first run: the printed setup address creates the owner in the console, once', async () => {
  const dataDir = join(tempDir(), 'hub');
  const serve = await startServe(['--data-dir', dataDir, '--key-file', join(dataDir, '..', 'master.key')]);
  const setupUrl = consoleUrl((serve.ready as unknown as { setupUrl: string }).setupUrl);
  const browser = await launchBrowser(dataDir);
  const { page, errors } = await consolePage(browser);

  await page.goto(setupUrl);
  await page.getByRole('heading', { name: 'Create the owner account' }).waitFor();
  await page.getByLabel('Email').fill('owner@example.com');
  await page.getByLabel('Password', { exact: false }).first().fill('first run passphrase');
  await page.getByLabel('Password again').fill('first run passphrase');
  await page.screenshot({ path: screenshotPath(dataDir, 'setup-owner') });
  await page.getByRole('button', { name: 'Create the owner account' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Settings', exact: true }).waitFor({ state: 'attached' });
  assert.deepEqual(errors, []);

  // The same address in another browser: the form is there, the hub refuses it.
  const other = await browser.newPage();
  await other.goto(setupUrl);
  await other.getByLabel('Email').fill('second@example.com');
  await other.getByLabel('Password', { exact: false }).first().fill('another passphrase');
  await other.getByLabel('Password again').fill('another passphrase');
  await other.getByRole('button', { name: 'Create the owner account' }).click();
  const alert = other.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /already has an owner.*OWNER_EXISTS/s);
  assert.equal((await serve.stop()).code, 0);
});
