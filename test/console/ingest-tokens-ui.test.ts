import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { launchBrowser } from '../helpers/browser';
import { startServe } from '../helpers/cli';
import { addUserWithCli, cli, consolePage, consoleUrl, shootBothSizes, signIn } from '../helpers/console-ui';
import { tempDir } from '../helpers/tmp';

const password = 'ingest tokens ui passphrase';

test('ingest tokens in the console against outpost serve: create one, run the page’s mosquitto_pub snippet as shown, see the reading, revoke it, the snippet is refused; a reader sees none of it', async (t) => {
  const dataDir = tempDir();
  const key = ['--key-file', join(dataDir, '..', `${dataDir.split('/').pop()}.key`)];
  await addUserWithCli(dataDir, 'owner@example.com', 'owner', password, key);
  await addUserWithCli(dataDir, 'reader@example.com', 'reader', password, key);
  await cli(['device', 'add', 'line-1'], dataDir, key);
  const serve = await startServe(['--data-dir', dataDir, ...key]);
  t.after(() => serve.stop());
  const base = consoleUrl(serve.ready.consoleUrl);
  const browser = await launchBrowser(dataDir);
  const { page, errors } = await consolePage(browser);
  await signIn(page, base, 'owner@example.com', password);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.goto(`${base}/#/devices`);

  // Create: two labels, one of a device that does not exist yet, which its first reading may create.
  const section = page.getByTestId('ingest-tokens');
  await section.getByText('No ingest tokens yet.').waitFor();
  await section.getByRole('button', { name: 'New ingest token' }).click();
  await section.getByRole('textbox', { name: /^Name/ }).fill('gateway');
  await section.getByRole('textbox', { name: /^Device labels/ }).fill('line-1, line-2');
  await section.getByLabel('Create a device the first time', { exact: false }).check();
  await section.getByRole('button', { name: 'Create ingest token' }).click();

  // The token once, and the connection card with a label chooser limited to the token's labels.
  const token = await section.getByTestId('secret-value').innerText();
  assert.match(token, /^opo_/);
  const card = section.getByTestId('connection-card');
  await card.getByRole('heading', { name: 'Connect with the ingest token “gateway”' }).waitFor();
  await card.getByTestId('connection-qr').waitFor();
  assert.equal(await card.getByTestId('connection-fingerprint').innerText(), serve.ready.caFingerprint);
  const chooser = card.getByRole('combobox', { name: 'Device label' });
  assert.deepEqual(await chooser.locator('option').allInnerTexts(), ['line-1', 'line-2']);
  assert.match(await card.getByTestId('snippet-mosquitto_pub').innerText(), /\/v1\.6\/devices\/line-1'/);
  await chooser.selectOption('line-2');
  const snippet = await card.getByTestId('snippet-mosquitto_pub').innerText();
  assert.ok(snippet.includes(`-u '${token}'`) && snippet.includes("/v1.6/devices/line-2'"), snippet);
  // In a closed <details>: its text, not what is rendered.
  assert.match((await card.getByTestId('snippet-curl').textContent()) ?? '', /\/api\/v1\.6\/devices\/line-2'/);
  const work = tempDir();
  const [download] = await Promise.all([page.waitForEvent('download'), card.getByTestId('ca-download').click()]);
  await download.saveAs(join(work, download.suggestedFilename()));
  await shootBothSizes(page, dataDir, 'ingest-token-created');

  // The snippet as shown: stored (PUBACK only after the commit), and line-2 now exists with the value.
  const run = () => spawnSync('sh', ['-c', snippet], { cwd: work, encoding: 'utf8', timeout: 30_000 });
  const first = run();
  assert.equal(first.status, 0, `${snippet}\n${first.stderr}`);
  await section.getByRole('button', { name: 'I have stored it' }).click();
  await section.getByTestId('secret-once').waitFor({ state: 'detached' });
  const row = section.locator('tr[data-token="gateway"]');
  assert.match(await row.innerText(), /line-1, line-2\s+yes/);
  await page.goto(`${base}/#/`);
  await page.locator('[data-device="line-2"] [data-testid="value"]', { hasText: '21.5' }).waitFor({ timeout: 15_000 });

  // Revoke: asks first, focus on Cancel, Escape cancels; then revoked, and the same snippet is refused.
  await page.goto(`${base}/#/devices`);
  await row.getByRole('button', { name: 'Revoke' }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel', 'a destructive confirmation never has the focus by default');
  await page.keyboard.press('Escape');
  await row.getByRole('button', { name: 'Revoke' }).click();
  await row.getByRole('button', { name: 'Yes, revoke' }).click();
  await section.locator('tr[data-token="gateway"][data-revoked="true"]').getByText('Revoked').waitFor();
  const again = run();
  assert.notEqual(again.status, 0, 'a revoked ingest token is refused');
  assert.match(again.stderr, /not authori[sz]ed|refused/i);
  await shootBothSizes(page, dataDir, 'ingest-token-revoked');
  const stored = JSON.parse((await cli(['readings', 'line-2', '--last', '10', '--json'], dataDir, key)).trim().split('\n').pop()!) as { readings: { variable: string; value: number }[] };
  assert.deepEqual(stored.readings.map((r) => [r.variable, r.value]), [['temperature', 21.5]], 'one reading, from before the revocation');
  assert.deepEqual(errors, []);

  // A reader has no ingest tokens section (and the hub refuses the calls: test/access/permission-matrix.test.ts).
  const reader = await consolePage(browser);
  await signIn(reader.page, base, 'reader@example.com', password);
  await reader.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await reader.page.goto(`${base}/#/devices`);
  await reader.page.getByText('No devices you may see yet.').waitFor();
  assert.equal(await reader.page.getByTestId('ingest-tokens').count(), 0);
  assert.deepEqual(reader.errors, []);
});
