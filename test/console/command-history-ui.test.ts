import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startServe } from '../helpers/cli';
import { addUserWithCli, cli, consolePage, consoleUrl, shootBothSizes, signIn } from '../helpers/console-ui';
import { tempDir } from '../helpers/tmp';
import { eventually, startTool } from '../mqtt/helpers/hub';

const password = 'command ui passphrase 1';

const row = (page: Page, id: string) => page.locator(`[data-testid="commands-table"] tr[data-command="${id}"]`);
/** Waits for the row to show `status` (it changes only by live events: the page is live and does not poll). */
const state = (page: Page, id: string, status: string, timeout = 10_000) => page.locator(`[data-testid="commands-table"] tr[data-command="${id}"][data-status="${status}"]`).waitFor({ timeout });

/** Fills the device page's send form and sends; the answer (`waitMs: 0`) comes back at once with the command's id. */
async function send(page: Page, fields: { kind: 'Value' | 'RPC'; variable?: string; value?: string; method?: string; params?: string; expires?: string }) {
  const form = page.locator('form[aria-labelledby="command-title"]');
  await form.locator('select').selectOption({ label: fields.kind });
  if (fields.variable !== undefined) await form.getByLabel('Variable', { exact: true }).fill(fields.variable);
  if (fields.value !== undefined) await form.getByLabel('Value', { exact: true }).fill(fields.value);
  if (fields.method !== undefined) await form.getByLabel('Method', { exact: true }).fill(fields.method);
  if (fields.params !== undefined) await form.getByLabel('Parameters (JSON)', { exact: true }).fill(fields.params);
  await form.getByLabel('Give up after (s)', { exact: true }).fill(fields.expires ?? '');
  await form.getByRole('button', { name: 'Send' }).click();
  const status = page.getByRole('status').filter({ hasText: /^Command \d+ is \w+\.$/ });
  await status.waitFor();
  const id = /Command (\d+)/.exec(await status.innerText())![1]!;
  await row(page, id).waitFor();
  return id;
}

test('command history on the device page against outpost serve: MQTT RPC pending -> delivered -> answered, an HTTPS-only device fetching its value, expiry, all live', async (t) => {
  const dataDir = tempDir();
  const key = ['--key-file', join(dataDir, '..', `${dataDir.split('/').pop()}.key`)];
  await addUserWithCli(dataDir, 'owner@example.com', 'owner', password, key);
  const device = async (label: string) => JSON.parse((await cli(['device', 'add', label, '--json'], dataDir, key)).trim().split('\n').pop()!) as { id: number; token: string };
  const relay = await device('relay-1');
  const valve = await device('valve-1');
  const serve = await startServe(['--data-dir', dataDir, ...key]);
  t.after(() => serve.stop());
  const caFile = join(dataDir, 'tls', 'ca.crt');
  const mqttPort = String(serve.ready.listeners.mqtts!.port);
  const browser = await launchBrowser(dataDir);
  try {
    const { page, errors } = await consolePage(browser);
    await signIn(page, consoleUrl(serve.ready.consoleUrl), 'owner@example.com', password);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.goto(`${consoleUrl(serve.ready.consoleUrl)}/#/devices/${relay.id}`);
    await page.getByRole('heading', { name: 'Commands' }).waitFor();
    await page.getByText('No commands sent to this device yet.').waitFor();
    // Live: the page does not poll, so every state change below arrives as a live `commands` event.
    await page.locator('[data-testid="live-mode"][data-mode="live"]').waitFor({ timeout: 15_000 });

    // An RPC while the device is offline: pending. mosquitto_sub as the device then receives it: delivered.
    const rpcId = await send(page, { kind: 'RPC', method: 'setLed', params: '{"on": true}' });
    await state(page, rpcId, 'pending');
    assert.match(await row(page, rpcId).innerText(), /setLed\(\{"on":true\}\)/);
    const sub = startTool('stdbuf', ['-oL', 'mosquitto_sub', '-h', 'localhost', '-p', mqttPort, '--cafile', caFile, '-u', relay.token, '-i', 'relay-1', '-q', '1', '-t', 'v1/devices/me/rpc/request/+', '-v']);
    const received = await eventually(() => /v1\/devices\/me\/rpc\/request\/(\d+) (.*)/.exec(sub.output()) ?? undefined, 15_000, `the RPC at the device: ${sub.output()}`);
    assert.equal(received[1], rpcId);
    assert.deepEqual(JSON.parse(received[2]!), { method: 'setLed', params: { on: true } });
    await state(page, rpcId, 'delivered');
    // The device answers on the response topic: answered, with the answer in the row.
    const pub = spawnSync('mosquitto_pub', ['-h', 'localhost', '-p', mqttPort, '--cafile', caFile, '-u', relay.token, '-q', '1', '-t', `v1/devices/me/rpc/response/${rpcId}`, '-m', '{"led":"on"}'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(pub.status, 0, pub.stderr);
    await state(page, rpcId, 'answered');
    assert.equal(await row(page, rpcId).getByTestId('command-answer').innerText(), '{"led":"on"}');

    // A value to a subscribed variable is delivered at once.
    const valueSub = startTool('stdbuf', ['-oL', 'mosquitto_sub', '-h', 'localhost', '-p', mqttPort, '--cafile', caFile, '-u', relay.token, '-i', 'relay-1-lv', '-q', '1', '-t', '/v1.6/devices/relay-1/power/lv', '-v', '-d']);
    await eventually(() => (valueSub.output().includes('received SUBACK') ? true : undefined), 15_000, `subscribed: ${valueSub.output()}`);
    const valueId = await send(page, { kind: 'Value', variable: 'power', value: '1' });
    await state(page, valueId, 'delivered');
    await eventually(() => (valueSub.output().includes('/v1.6/devices/relay-1/power/lv 1') ? true : undefined), 10_000, `the value at the device: ${valueSub.output()}`);
    await page.getByRole('heading', { name: 'Commands' }).scrollIntoViewIfNeeded();
    await shootBothSizes(page, dataDir, 'command-history');

    // An HTTPS-only device: pending until it reads the variable's last value with curl, then delivered on the page.
    await page.goto(`${consoleUrl(serve.ready.consoleUrl)}/#/devices/${valve.id}`);
    await page.getByRole('heading', { name: 'Commands' }).waitFor();
    const httpsId = await send(page, { kind: 'Value', variable: 'setpoint', value: '42' });
    await state(page, httpsId, 'pending');
    const curl = spawnSync('curl', ['-sS', '--cacert', caFile, '-H', `X-Auth-Token: ${valve.token}`, `https://localhost:${serve.ready.listeners.https!.port}/api/v1.6/devices/valve-1/setpoint/lv`], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(curl.stdout, '42', curl.stderr);
    await state(page, httpsId, 'delivered');

    // Nobody fetches this one in time: expired.
    const expiringId = await send(page, { kind: 'RPC', method: 'reboot', expires: '2' });
    await state(page, expiringId, 'pending');
    await state(page, expiringId, 'expired', 15_000);
    await page.getByRole('heading', { name: 'Commands' }).scrollIntoViewIfNeeded();
    await shootBothSizes(page, dataDir, 'command-history-https');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
