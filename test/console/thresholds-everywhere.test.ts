import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { rpc } from '../access/helpers';
import { launchBrowser } from '../helpers/browser';
import { startServe } from '../helpers/cli';
import { addUserWithCli, cli, consolePage, consoleUrl, shootBothSizes, signIn } from '../helpers/console-ui';
import { tempDir } from '../helpers/tmp';

const password = 'thresholds everywhere passphrase';

test('every online badge uses the device’s own thresholds: a device offline after 10 s shows offline in the Devices list, on the dashboard and in a status widget while one on the defaults shows online', async (t) => {
  const dataDir = tempDir();
  const caPath = join(dataDir, 'tls', 'ca.crt');
  const key = ['--key-file', join(dataDir, '..', `${dataDir.split('/').pop()}.key`)];
  await addUserWithCli(dataDir, 'owner@example.com', 'owner', password, key);
  const device = async (label: string) => JSON.parse((await cli(['device', 'add', label, '--json'], dataDir, key)).trim().split('\n').pop()!) as { id: number; token: string };
  const quick = await device('quick-1');
  const slow = await device('slow-1');
  const serve = await startServe(['--data-dir', dataDir, ...key]);
  t.after(() => serve.stop());
  const base = consoleUrl(serve.ready.consoleUrl);
  const api = { url: base, ca: readFileSync(caPath, 'utf8') };
  const owner = ((await rpc(api, 'auth.login', { email: 'owner@example.com', password })).body.result as { token: string }).token;
  const call = async (method: string, input: unknown) => {
    const answer = await rpc(api, method, input, owner);
    assert.equal(answer.status, 200, `${method}: ${JSON.stringify(answer.body)}`);
    return answer.body.result as { id: number };
  };
  await call('devices.setThresholds', { deviceId: quick.id, thresholds: { staleAfterS: 10, offlineAfterS: 10 } });
  const board = await call('dashboards.create', {
    name: 'Plant',
    spec: { widgets: [{ id: 'status', kind: 'status', title: 'Status', deviceIds: [quick.id, slow.id], layout: { x: 0, y: 0, w: 8, h: 4 } }] },
  });
  const send = (token: string, label: string) => {
    const r = spawnSync('curl', ['-sS', '--fail', '--cacert', caPath, '-H', `X-Auth-Token: ${token}`, '-H', 'Content-Type: application/json', '-d', '{"temperature": 20}', `https://localhost:${serve.ready.listeners.https!.port}/api/v1.6/devices/${label}`], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(r.status, 0, r.stderr);
  };
  send(quick.token, 'quick-1');
  send(slow.token, 'slow-1');

  const browser = await launchBrowser(dataDir);
  const { page, errors } = await consolePage(browser);
  await signIn(page, base, 'owner@example.com', password);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  const badge = (scope: string) => page.locator(`${scope} [data-testid="freshness"]`);

  // The Devices list: offline 10 s after its reading (the badge clock ticks every 5 s), while the default (5 min stale) says online.
  await page.goto(`${base}/#/devices`);
  const table = page.getByTestId('devices-table');
  await table.locator('tr[data-device="quick-1"] [data-testid="freshness"][data-state="offline"]').waitFor({ timeout: 40_000 });
  assert.equal(await badge('tr[data-device="slow-1"]').getAttribute('data-state'), 'online');
  // A new reading brings it back online (live), and 10 s later it is offline again.
  send(quick.token, 'quick-1');
  await table.locator('tr[data-device="quick-1"] [data-testid="freshness"][data-state="online"]').waitFor({ timeout: 10_000 });
  await table.locator('tr[data-device="quick-1"] [data-testid="freshness"][data-state="offline"]').waitFor({ timeout: 40_000 });
  assert.equal(await badge('tr[data-device="slow-1"]').getAttribute('data-state'), 'online');
  await shootBothSizes(page, dataDir, 'devices-own-thresholds');

  // The dashboard's device cards.
  await page.goto(`${base}/#/`);
  await page.locator('[data-testid="device-card"][data-device="quick-1"] [data-testid="freshness"][data-state="offline"]').waitFor({ timeout: 15_000 });
  assert.equal(await badge('[data-testid="device-card"][data-device="slow-1"]').getAttribute('data-state'), 'online');

  // A dashboard's status widget.
  await page.goto(`${base}/#/dashboards/${board.id}`);
  const statusRow = (label: string) => page.getByRole('row').filter({ hasText: label }).locator('[data-testid="freshness"]');
  await statusRow('quick-1').and(page.locator('[data-state="offline"]')).waitFor({ timeout: 15_000 });
  assert.equal(await statusRow('slow-1').getAttribute('data-state'), 'online');
  assert.deepEqual(errors, []);
});
