import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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

  // Add a device: the token once, and the connection card with the snippets filled in.
  await page.goto(`${consoleUrl(serve.ready.consoleUrl)}/#/devices`);
  await page.getByRole('button', { name: 'Add device' }).click();
  await page.getByLabel('Label').fill('probe-1');
  await page.getByRole('button', { name: 'Create device' }).click();
  const card = page.getByTestId('connection-card');
  await card.waitFor();
  await card.getByTestId('connection-qr').waitFor();
  assert.equal(await card.getByRole('combobox', { name: 'Hub address' }).inputValue(), 'localhost', 'the address the console was reached at comes first');
  assert.equal(await card.getByTestId('connection-fingerprint').innerText(), serve.ready.caFingerprint);
  const work = tempDir();
  const [download] = await Promise.all([page.waitForEvent('download'), card.getByTestId('ca-download').click()]);
  await download.saveAs(join(work, download.suggestedFilename()));
  await page.screenshot({ path: screenshotPath(dataDir, 'connection-card'), fullPage: true });
  const snippet = await card.getByTestId('snippet-mosquitto_pub').innerText();
  const pub = spawnSync('sh', ['-c', snippet], { cwd: work, encoding: 'utf8', timeout: 30_000 });
  assert.equal(pub.status, 0, `${snippet}\n${pub.stderr}`);
  await page.getByRole('button', { name: 'I have stored it' }).click();

  // The value appears on the dashboard live.
  await page.goto(`${consoleUrl(serve.ready.consoleUrl)}/#/`);
  await page.locator('[data-device="probe-1"]').getByText('21.5').waitFor({ timeout: 15_000 });

  // Rename and type; delete asks first, with focus on Cancel, and Escape cancels.
  await page.goto(`${consoleUrl(serve.ready.consoleUrl)}/#/devices`);
  await page.getByTestId('devices-table').getByRole('link', { name: /probe-1/ }).first().click();
  const settings = page.getByTestId('device-settings');
  await settings.getByLabel('Name').fill('Probe one');
  await settings.getByLabel('Type', { exact: false }).fill('thermometer');
  await settings.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: 'Probe one' }).waitFor();
  await settings.getByRole('button', { name: 'Delete device' }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel', 'a destructive confirmation never has the focus by default');
  await page.keyboard.press('Escape');
  await settings.getByRole('button', { name: 'Delete device' }).waitFor();
  await settings.getByRole('button', { name: 'Delete device' }).click();
  await settings.getByRole('button', { name: 'Yes, delete device' }).click();
  await page.getByRole('heading', { name: 'Devices' }).waitFor();
  await page.locator('[data-device="probe-1"]').waitFor({ state: 'detached', timeout: 10_000 });
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
