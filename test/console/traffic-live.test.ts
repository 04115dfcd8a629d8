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

const password = 'traffic passphrase 1';

test('Hub page counters and the Traffic page’s accepted messages and bad tokens by address, live, against outpost serve', async () => {
  const dataDir = tempDir();
  const key = ['--key-file', join(dataDir, '..', `${dataDir.split('/').pop()}.key`)];
  await addUserWithCli(dataDir, 'owner@example.com', 'owner', password, key);
  const device = async (label: string) => JSON.parse((await cli(['device', 'add', label, '--json'], dataDir, key)).trim().split('\n').pop()!) as { id: number; token: string };
  const boiler = await device('boiler-1');
  const pump = await device('pump-1');
  const serve = await startServe(['--data-dir', dataDir, ...key]);
  const ca = readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8');
  const mqttsPort = serve.ready.listeners.mqtts!.port;
  const httpsPort = serve.ready.listeners.https!.port;
  const browser = await launchBrowser(dataDir);
  const { page, errors } = await consolePage(browser);
  const url = consoleUrl(serve.ready.consoleUrl);
  // A device that stays connected, as firmware does.
  const session = await mqtt.connectAsync(`mqtts://localhost:${mqttsPort}`, { username: boiler.token, ca, reconnectPeriod: 0, connectTimeout: 20_000 });
  try {
    await signIn(page, url, 'owner@example.com', password);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    // Traffic first: accepted messages appear as they are committed, with their protocol.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Traffic', exact: true }).click();
    await page.getByTestId('accepted-empty').waitFor();
    // Accepted messages come over the live channel: wait for it (a message committed before it is up is not shown).
    await page.locator('[data-testid="live-mode"][data-mode="live"]').first().waitFor({ timeout: 15_000 });
    await session.publishAsync('/v1.6/devices/boiler-1', '{"temperature": 21.5, "humidity": 40}', { qos: 1 });
    const curl = spawnSync(
      'curl',
      ['-sS', '--fail-with-body', '--cacert', join(dataDir, 'tls', 'ca.crt'), '-H', `X-Auth-Token: ${pump.token}`, '-H', 'Content-Type: application/json', '-d', '{"pressure": 2.5}', `https://localhost:${httpsPort}/api/v1.6/devices/pump-1`],
      { encoding: 'utf8', timeout: 20_000 },
    );
    assert.equal(curl.status, 0, curl.stderr + curl.stdout);
    const accepted = page.getByTestId('accepted-table');
    await accepted.locator('tr[data-protocol="mqtt"][data-device="boiler-1"]').waitFor({ timeout: 10_000 });
    await accepted.locator('tr[data-protocol="https"][data-device="pump-1"]').waitFor({ timeout: 10_000 });
    assert.match(await accepted.locator('tr[data-protocol="mqtt"]').innerText(), /temperature=21\.5, humidity=40/, 'one row per message with all its values');
    await page.getByLabel('Protocol').selectOption('https');
    await accepted.locator('tr[data-protocol="mqtt"]').waitFor({ state: 'detached' });
    assert.equal(await accepted.locator('tbody tr').count(), 1);
    await page.getByLabel('Protocol').selectOption('');
    await page.getByLabel('Device').selectOption({ label: 'boiler-1' });
    await accepted.locator('tr[data-device="pump-1"]').waitFor({ state: 'detached' });
    await page.getByLabel('Device').selectOption('');

    // Two bad-token attempts from this machine: grouped into one address row.
    for (let i = 0; i < 2; i += 1) {
      const r = spawnSync('mosquitto_pub', ['-h', 'localhost', '-p', String(mqttsPort), '--cafile', join(dataDir, 'tls', 'ca.crt'), '-u', 'opd_not-a-real-token-at-all', '-t', '/v1.6/devices/x', '-m', '{"t": 1}'], { encoding: 'utf8', timeout: 20_000 });
      assert.match(r.stderr, /not authori[sz]ed/i);
    }
    const badTokens = page.getByTestId('bad-token-table');
    const row = badTokens.locator('tbody tr').first();
    await badTokens.getByRole('cell', { name: '2', exact: true }).waitFor({ timeout: 15_000 });
    assert.match(await row.innerText(), /(127\.0\.0\.1|::1)\s+2\s+mqtt/);
    assert.ok(!(await page.content()).includes('opd_not-a-real-token'), 'a presented token is never shown');
    await shootBothSizes(page, dataDir, 'traffic-accepted');

    // Hub page: the MQTT session, the HTTPS device within the window, the readings and the refusals.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hub', exact: true }).click();
    const org = page.getByTestId('counters-org');
    await org.locator('[data-protocol="mqtt"] strong').filter({ hasText: '1' }).waitFor({ timeout: 10_000 });
    assert.equal(await org.locator('[data-protocol="https"] strong').innerText(), '1');
    assert.equal(await org.locator('[data-protocol="tcp"] strong').innerText(), '0');
    assert.notEqual(await page.getByTestId('counters-org-rate').innerText(), '0', 'readings per second');
    await page.getByTestId('counters-hub').locator('[data-reason="bad_token"] strong').filter({ hasText: '2' }).waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('database-size').innerText(), /\d+(\.\d)? (KiB|MiB|bytes)/);
    assert.match(await page.getByTestId('sync-backlog').innerText(), /^0 readings/);
    await shootBothSizes(page, dataDir, 'hub-counters');

    // The device leaves: MQTT falls to 0 within a few refreshes.
    await session.endAsync();
    await org.locator('[data-protocol="mqtt"] strong').filter({ hasText: /^0$/ }).waitFor({ timeout: 15_000 });
    assert.deepEqual(errors, []);
  } finally {
    if (session.connected) await session.endAsync();
    await browser.close();
    assert.equal((await serve.stop()).code, 0);
  }
});
