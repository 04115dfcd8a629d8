import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { launchBrowser } from '../helpers/browser';
import { startServe } from '../helpers/cli';
import { addUserWithCli, cli, consolePage, consoleUrl, screenshotPath, signIn } from '../helpers/console-ui';
import { tempDir } from '../helpers/tmp';

const password = 'refusals passphrase 1';

/** mosquitto_pub as a technician would run it, against the hub's MQTT over TLS listener. */
function pub(port: number, dataDir: string, user: string, topic: string, message: string, accepted = true): void {
  const r = spawnSync('mosquitto_pub', ['-h', 'localhost', '-p', String(port), '--cafile', join(dataDir, 'tls', 'ca.crt'), '-u', user, '-q', '1', '-t', topic, '-m', message], { encoding: 'utf8', timeout: 20_000 });
  // MQTT 3.1.1 gives the device no way to know: a refused PUBLISH is still acknowledged; a bad token is refused at CONNECT.
  if (accepted) assert.equal(r.status, 0, r.stderr);
  else assert.match(r.stderr, /not authori[sz]ed/i);
}

test('bad JSON and a wrong topic show on the device page within 2 s, on the Traffic page, and after a restart', async () => {
  const dataDir = tempDir();
  const keyFile = join(dataDir, '..', `${dataDir.split('/').pop()}.key`);
  const key = ['--key-file', keyFile];
  await addUserWithCli(dataDir, 'owner@example.com', 'owner', password, ['--key-file', keyFile]);
  const added = JSON.parse((await cli(['device', 'add', 'probe-1', '--json'], dataDir, key)).trim().split('\n').pop()!) as { id: number; token: string };
  let serve = await startServe(['--data-dir', dataDir, ...key]);
  const browser = await launchBrowser(dataDir);
  const { page, errors } = await consolePage(browser);
  const url = consoleUrl(serve.ready.consoleUrl);
  await signIn(page, url, 'owner@example.com', password);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.goto(`${url}/#/devices/${added.id}`);
  await page.getByText('Nothing from this device was refused lately.').waitFor();

  const port = serve.ready.listeners.mqtts!.port;
  pub(port, dataDir, added.token, '/v1.6/devices/probe-1', '{"temperature": 21.5');
  pub(port, dataDir, added.token, 'wrong/topic', '{"temperature": 22}');
  const sent = Date.now();
  const problems = page.getByTestId('problems-table');
  await problems.locator('[data-reason="bad_json"]').waitFor({ timeout: 2_000 });
  await problems.locator('[data-reason="not_authorized"]').waitFor({ timeout: Math.max(1, 2_000 - (Date.now() - sent)) });
  const shownWithin = Date.now() - sent;
  assert.ok(shownWithin <= 2_000, `both reasons shown after ${shownWithin} ms`);
  const text = await problems.innerText();
  assert.match(text, /\{"temperature": 21\.5/, 'the payload excerpt');
  assert.match(text, /wrong\/topic/, 'the topic');
  assert.match(text, /127\.0\.0\.1|::1/, 'the remote address');
  assert.ok(!text.includes(added.token), 'never the token');
  await page.screenshot({ path: screenshotPath(dataDir, 'device-problems'), fullPage: true });

  // A bad token: no device, no organisation; the hub owner sees it with its address on the Traffic page.
  pub(port, dataDir, 'opd_not-a-real-token-at-all', '/v1.6/devices/probe-1', '{"t": 1}', false);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Traffic', exact: true }).click();
  const traffic = page.getByTestId('traffic-table');
  await traffic.locator('[data-reason="bad_token"]').waitFor({ timeout: 10_000 });
  await traffic.locator('[data-reason="bad_json"]').waitFor();
  assert.ok(!(await traffic.innerText()).includes('opd_not-a-real-token'), 'a presented token is never shown');
  await page.getByLabel('Protocol').selectOption('https');
  await page.getByText('Nothing was refused lately.').waitFor();
  await page.getByLabel('Protocol').selectOption('mqtt');
  await traffic.locator('[data-reason="bad_json"]').waitFor();
  await page.screenshot({ path: screenshotPath(dataDir, 'traffic'), fullPage: true });

  // Kept across a restart (this page would only report its live channel reconnecting meanwhile).
  await page.close();
  assert.equal((await serve.stop()).code, 0);
  serve = await startServe(['--data-dir', dataDir, ...key]);
  const again = await consolePage(browser);
  await signIn(again.page, consoleUrl(serve.ready.consoleUrl), 'owner@example.com', password);
  await again.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await again.page.goto(`${consoleUrl(serve.ready.consoleUrl)}/#/devices/${added.id}`);
  await again.page.getByTestId('problems-table').locator('[data-reason="bad_json"]').waitFor();
  assert.deepEqual([...errors, ...again.errors], []);
  assert.equal((await serve.stop()).code, 0);
});
