import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { launchBrowser } from '../helpers/browser';
import { startServe } from '../helpers/cli';
import { addUserWithCli, cli, consolePage, consoleUrl, signIn } from '../helpers/console-ui';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';
import { eventually, startTool, type TestHub } from '../mqtt/helpers/hub';
import { devicePublish } from '../mqtt/integrations/helpers';

/**
 * The console's integration form (Apps & keys) in Chromium against a real
 * `outpost serve`: an app token with MQTT patterns, shown once, works with
 * mosquitto_sub over TLS, and revoking it in the console ends the session.
 */
test('console: create an MQTT integration with topic patterns, use its token with mosquitto_sub, revoke it', async () => {
  const dataDir = tempDir();
  forgetKeychainEntryAfter(dataDir);
  await addUserWithCli(dataDir, 'owner@example.com', 'owner', 'correct horse battery');
  const device = JSON.parse(await cli(['device', 'add', 'boiler', '--json'], dataDir)) as { token: string };
  const serve = await startServe(['--data-dir', dataDir, '--host', '127.0.0.1']);
  const hub = { port: serve.ready.listeners.mqtts!.port, caFile: join(dataDir, 'tls', 'ca.crt') } as TestHub;
  const browser = await launchBrowser(dataDir);
  try {
    const { page, errors } = await consolePage(browser);
    await signIn(page, consoleUrl(serve.ready.consoleUrl), 'owner@example.com', 'correct horse battery');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Apps & keys' }).click();
    await page.getByRole('button', { name: 'New app token' }).click();
    await page.getByLabel('Name', { exact: true }).fill('home-assistant');
    await page.getByLabel(/MQTT subscribe patterns/).fill('outpost/v1/1/devices/#\nhomeassistant/#');
    await page.getByLabel(/MQTT publish patterns/).fill('outpost/v1/1/devices/+/+/set');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('secret-value').innerText()).trim();
    assert.match(token, /^opa_/);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    const row = page.getByRole('row').filter({ hasText: 'home-assistant' });
    await row.getByText('subscribe homeassistant/#').waitFor();
    await row.getByText('publish outpost/v1/1/devices/+/+/set').waitFor();

    const sub = startTool('mosquitto_sub', ['-h', 'localhost', '-p', String(hub.port), '--cafile', hub.caFile, '-u', token, '-t', 'outpost/v1/1/devices/#', '-v']);
    await new Promise((r) => setTimeout(r, 1500));
    await devicePublish(hub, device.token, 'boiler', { temperature: 20.5 });
    await eventually(() => (sub.output().includes('outpost/v1/1/devices/boiler/temperature {"value":20.5') ? true : undefined), 10_000, `the reading; got ${sub.output()}`);

    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await row.getByText('Revoked').waitFor();
    await eventually(() => (sub.child.exitCode !== null || /refused|not authori[sz]ed|Connection error|lost/i.test(sub.output()) ? true : undefined), 10_000, `the session ends; got ${sub.output()}`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await serve.stop();
  }
});
