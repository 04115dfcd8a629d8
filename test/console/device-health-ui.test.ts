import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import mqtt from 'mqtt';
import { launchBrowser } from '../helpers/browser';
import { startServe } from '../helpers/cli';
import { addUserWithCli, cli, consolePage, consoleUrl, shootBothSizes, signIn } from '../helpers/console-ui';
import { tempDir } from '../helpers/tmp';

const password = 'health ui passphrase 1';

test('device health board against outpost serve: problems first, vitals, live MQTT session, per-device thresholds, and "unknown" while the hub is down', async (t) => {
  const dataDir = tempDir();
  const key = ['--key-file', join(dataDir, '..', `${dataDir.split('/').pop()}.key`)];
  await addUserWithCli(dataDir, 'owner@example.com', 'owner', password, key);
  const device = async (label: string) => JSON.parse((await cli(['device', 'add', label, '--json'], dataDir, key)).trim().split('\n').pop()!) as { id: number; token: string };
  const sender = await device('sender-1');
  const quiet = await device('quiet-1');
  const linked = await device('linked-1');
  const serve = await startServe(['--data-dir', dataDir, ...key]);
  let running = true;
  t.after(async () => {
    if (running) await serve.stop();
  });
  const ca = readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8');
  const curl = (token: string, label: string, body: string) =>
    spawnSync('curl', ['-sS', '--cacert', join(dataDir, 'tls', 'ca.crt'), '-H', `X-Auth-Token: ${token}`, '-H', 'Content-Type: application/json', '-d', body, `https://localhost:${serve.ready.listeners.https!.port}/api/v1.6/devices/${label}`], { encoding: 'utf8', timeout: 20_000 });
  assert.match(curl(sender.token, 'sender-1', '{"temperature": 20, "battery": 87, "rssi": -71}').stdout, /"status"|201|200|\{/);
  assert.match(curl(sender.token, 'sender-1', '{"temperature": ').stdout, /BAD_JSON/);
  const session = await mqtt.connectAsync(`mqtts://localhost:${serve.ready.listeners.mqtts!.port}`, { username: linked.token, ca, reconnectPeriod: 0, connectTimeout: 20_000 });
  const browser = await launchBrowser(dataDir);
  try {
    const { page, errors } = await consolePage(browser);
    await signIn(page, consoleUrl(serve.ready.consoleUrl), 'owner@example.com', password);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Health', exact: true }).click();
    const table = page.getByTestId('health-table');
    await table.waitFor();
    await table.locator('tr[data-device="sender-1"][data-problems="refusals"]').waitFor({ timeout: 10_000 });
    const order = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-device')));
    assert.deepEqual(order, ['quiet-1', 'sender-1', 'linked-1'], 'never sent, then refusals, then healthy');
    const senderRow = table.locator('tr[data-device="sender-1"]');
    assert.match(await senderRow.locator('[data-vital="battery"]').innerText(), /battery\s+87/);
    assert.match(await senderRow.locator('[data-vital="rssi"]').innerText(), /rssi\s+-71/);
    assert.equal(await table.locator('tr[data-device="linked-1"] [data-testid="freshness"]').getAttribute('data-state'), 'online', 'an open MQTT session is online without a reading');
    assert.equal(await table.locator('tr[data-device="quiet-1"] [data-testid="freshness"]').getAttribute('data-state'), 'never');
    await shootBothSizes(page, dataDir, 'device-health');

    // Per-device thresholds on the device page.
    await page.goto(`${consoleUrl(serve.ready.consoleUrl)}/#/devices/${quiet.id}`);
    const form = page.getByTestId('thresholds-form');
    await form.getByLabel('Stale after (minutes)').fill('20');
    await form.getByLabel('Offline after (minutes)').fill('120');
    await form.getByRole('button', { name: 'Save thresholds' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.getByTestId('thresholds-form').getByLabel('Stale after (minutes)').waitFor();
    await page.reload();
    assert.equal(await page.getByTestId('thresholds-form').getByLabel('Stale after (minutes)').inputValue(), '20', 'kept');

    // The hub goes away: online badges become "unknown" (the console cannot tell any more).
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Health', exact: true }).click();
    await table.locator('tr[data-device="linked-1"] [data-testid="freshness"][data-state="online"]').waitFor();
    await session.endAsync();
    running = false;
    assert.equal((await serve.stop()).code, 0);
    await page.getByTestId('hub-unreachable').waitFor({ timeout: 30_000 });
    await table.locator('tr[data-device="linked-1"] [data-testid="freshness"][data-state="unknown"]').waitFor({ timeout: 5_000 });
    assert.equal(await table.locator('[data-testid="freshness"]:not([data-state="unknown"])').count(), 0, 'every badge');
    await page.screenshot({ path: join(process.env.OUTPOST_SCREENSHOTS ?? dataDir, 'device-health-unreachable-1280.png') });
    assert.deepEqual(errors.filter((e) => !/ERR_CONNECTION_REFUSED|WebSocket/.test(e)), []);
  } finally {
    if (session.connected) await session.endAsync();
    await browser.close();
  }
});
