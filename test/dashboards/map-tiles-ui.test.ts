import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startServe } from '../helpers/cli';
import { addUserWithCli, cli, consolePage, consoleUrl, shootBothSizes, signIn } from '../helpers/console-ui';
import { httpsRequest } from '../helpers/https';
import { startTileServer } from '../helpers/tile-server';
import { tempDir } from '../helpers/tmp';
import { rpc } from '../access/helpers';

const password = 'map tiles ui passphrase 1';
const attribution = '© Test Tiles contributors';

/** Every tile image of a widget has loaded real pixels (an image the CSP blocked or that failed has naturalWidth 0). */
async function tilesLoaded(page: Page, widget: string): Promise<number> {
  const selector = `[data-widget="${widget}"] img[data-testid=map-tile]`;
  await page.waitForFunction((s) => {
    const images = [...document.querySelectorAll<HTMLImageElement>(s)];
    return images.length > 0 && images.every((i) => i.complete && i.naturalWidth > 0);
  }, selector, { timeout: 20_000 });
  return page.locator(selector).count();
}

test('map tiles in Chromium against outpost serve: grid and no tile request without a setting; an admin sets the server in Settings; tiles load with attribution; a reader cannot set it', async (t) => {
  const tiles = await startTileServer();
  const template = `${tiles.origin}/{z}/{x}/{y}.png`;
  const dataDir = tempDir();
  const key = ['--key-file', join(dataDir, '..', `${dataDir.split('/').pop()}.key`)];
  await addUserWithCli(dataDir, 'owner@example.com', 'owner', password, key);
  await addUserWithCli(dataDir, 'reader@example.com', 'reader', password, key);
  const truck = JSON.parse((await cli(['device', 'add', 'truck-1', '--name', 'Truck 1', '--json'], dataDir, key)).trim().split('\n').pop()!) as { id: number; token: string };
  await cli(['group', 'add', 'fleet', '--devices', 'truck-1'], dataDir, key);
  await cli(['group', 'member', 'add', 'fleet', 'reader@example.com'], dataDir, key);
  const serve = await startServe(['--data-dir', dataDir, ...key]);
  t.after(() => serve.stop());
  const url = consoleUrl(serve.ready.consoleUrl);
  const hubCa = readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8');

  // A drive through Amsterdam over the last two hours, sent over HTTPS with lat/lng in each reading's context.
  const now = Date.now();
  const dots = Array.from({ length: 40 }, (_, i) => ({ value: i, timestamp: now - (40 - i) * 3 * 60_000, context: { lat: 52.36 + 0.002 * i, lng: 4.88 + 0.003 * Math.sin(i / 6) } }));
  const sent = await httpsRequest(`https://127.0.0.1:${serve.ready.listeners.https!.port}/api/v1.6/devices/truck-1`, {
    ca: hubCa,
    method: 'POST',
    headers: { 'x-auth-token': truck.token, 'content-type': 'application/json' },
    body: JSON.stringify({ position: dots }),
  });
  assert.equal(sent.status, 200, sent.body);

  // A dashboard an API client saved before the hub-wide setting existed: one widget with a tile URL on the tile server's
  // origin, one on another origin. Both must keep loading.
  const api = { url: serve.ready.consoleUrl.replace(/\/$/, ''), ca: hubCa };
  const login = async (email: string) => ((await rpc(api, 'auth.login', { email, password })).body.result as { token: string }).token;
  const ownerToken = await login('owner@example.com');
  const layout = (x: number) => ({ x, y: 0, w: 4, h: 6 });
  const created = await rpc(
    api,
    'dashboards.create',
    {
      name: 'Fleet',
      spec: {
        range: { preset: '24h' },
        widgets: [
          { id: 'plain', kind: 'position', title: 'Grid', layout: layout(0), deviceId: truck.id, variable: 'position' },
          { id: 'legacy-same', kind: 'position', title: 'Own URL, hub origin', layout: layout(4), deviceId: truck.id, variable: 'position', tileUrl: `${tiles.origin}/{z}/{x}/{y}.png?style=old` },
          { id: 'legacy-other', kind: 'position', title: 'Own URL, other origin', layout: layout(8), deviceId: truck.id, variable: 'position', tileUrl: 'https://tiles.example.org/{z}/{x}/{y}.png' },
        ],
      },
    },
    ownerToken,
  );
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const dashboardId = (created.body.result as { id: number }).id;

  const browser = await launchBrowser(dataDir, [tiles.certPem]);
  const { page, errors } = await consolePage(browser);
  await signIn(page, url, 'owner@example.com', password);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

  // No setting: every widget draws the grid; the tile server hears nothing.
  await page.goto(`${url}/#/dashboards/${dashboardId}`);
  for (const id of ['plain', 'legacy-same', 'legacy-other']) await page.locator(`[data-widget="${id}"] [data-testid=position][data-background=grid]`).waitFor();
  assert.equal(await page.locator('[data-testid=position] .geo-grid').first().isVisible(), true, 'grid lines drawn');
  assert.equal(await page.locator('[data-widget="plain"] [data-testid=position-note]').count(), 0, 'a grid widget says nothing');
  assert.match(await page.locator('[data-widget="legacy-other"] [data-testid=position-note]').innerText(), /administrator sets the map tile server in Settings/);
  // The widget form says there is no tile server, and offers only the grid.
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('button', { name: 'Add widget' }).first().click();
  const form = page.locator('form.widget-form');
  await form.getByLabel('Kind', { exact: true }).selectOption('position');
  await form.getByTestId('no-tile-server').waitFor();
  assert.equal(await form.getByLabel(/Map tiles of the hub/).isDisabled(), true);
  await shootBothSizes(page, dataDir, 'map-tiles-none-form');
  await form.getByRole('button', { name: 'Cancel' }).click();
  await form.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'Edit' }).waitFor();
  await page.locator('[data-widget="plain"] [data-testid=position]').waitFor();
  await shootBothSizes(page, dataDir, 'map-tiles-none');
  assert.equal(tiles.requests.length, 0, `no tile requested without a setting: ${tiles.requests.join(' ')}`);

  // The admin sets the tile server in Settings; a value that is not https is refused with the hub's message.
  await page.goto(`${url}/#/settings`);
  const settings = page.getByTestId('map-tiles-form');
  await settings.getByLabel(/Tile server URL/).fill(template.replace('https:', 'http:'));
  await settings.getByRole('button', { name: 'Save map tiles' }).click();
  await settings.getByText(/must use https|must be an https/).waitFor();
  await settings.getByLabel(/Tile server URL/).fill(template);
  await settings.getByLabel(/Attribution/).fill(attribution);
  await settings.getByRole('button', { name: 'Save map tiles' }).click();
  await settings.getByRole('status').filter({ hasText: `allow map tiles from ${tiles.origin}` }).waitFor();
  assert.equal(await settings.getByTestId('map-tiles-origin').innerText(), tiles.origin);
  await shootBothSizes(page, dataDir, 'map-tiles-settings');

  // Back on the dashboard in the same page (its CSP was sent before the setting): no tile is tried, a reload is asked for.
  await page.goto(`${url}/#/dashboards/${dashboardId}`);
  await page.locator('[data-widget="legacy-same"] [data-testid=position-note]').filter({ hasText: 'reload the page' }).waitFor();
  assert.equal(await page.locator('img[data-testid=map-tile]').count(), 0);
  assert.equal(tiles.requests.length, 0, 'nothing requested that the page’s CSP would block');

  // A new widget chooses the hub's tiles in the form.
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('button', { name: 'Add widget' }).first().click();
  await form.getByLabel('Kind', { exact: true }).selectOption('position');
  await form.getByLabel('Title').fill('Over the map');
  await form.getByLabel('Device', { exact: true }).selectOption({ label: 'Truck 1 (truck-1)' });
  await form.getByLabel('Variable', { exact: true }).locator('option[value="position"]').waitFor({ state: 'attached' });
  await form.getByLabel('Variable', { exact: true }).selectOption('position');
  await form.getByLabel(/Map tiles of the hub/).check();
  assert.match(await form.getByTestId('position-background').innerText(), new RegExp(`from ${tiles.origin.replace(/\./g, '\\.')}`));
  await form.getByRole('button', { name: 'Add widget' }).click();
  await form.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('button', { name: 'Edit' }).waitFor();

  // After a reload (the page's CSP now names the tile server): tiles that really loaded, with the attribution.
  const page2 = await page.reload();
  assert.match(String((await page2!.allHeaders())['content-security-policy']), new RegExp(`img-src 'self' data: ${tiles.origin.replace(/\./g, '\\.')};`));
  const over = page.locator('section[data-kind=position]').filter({ hasText: 'Over the map' });
  await over.locator('[data-testid=position][data-background=tiles]').waitFor();
  const overId = await over.getAttribute('data-widget');
  assert.ok(overId);
  const drawn = await tilesLoaded(page, overId);
  assert.ok(drawn >= 4, `tiles drawn: ${drawn}`);
  assert.equal(await over.getByTestId('map-attribution').innerText(), attribution);
  assert.equal(await over.locator('.geo-track').count(), 1, 'the track lies over the tiles');
  // The widget saved with its own URL on the allowed origin uses it; the one on another origin stays on the grid and says why.
  await tilesLoaded(page, 'legacy-same');
  assert.ok(tiles.requests.some((r) => r.endsWith('.png?style=old')), 'the stored URL was used');
  await page.locator('[data-widget="legacy-other"] [data-testid=position][data-background=grid]').waitFor();
  assert.match(await page.locator('[data-widget="legacy-other"] [data-testid=position-note]').innerText(), /administrator sets the map tile server in Settings/);
  await page.locator('[data-widget="plain"] [data-testid=position][data-background=grid]').waitFor();
  const requested = tiles.requests.length;
  assert.ok(requested >= drawn, `tile server answered ${requested} requests for ${drawn} tiles`);
  assert.ok(tiles.requests.every((r) => /^\/\d+\/\d+\/\d+\.png(\?style=old)?$/.test(r)), tiles.requests.join(' '));
  await shootBothSizes(page, dataDir, 'map-tiles-dashboard');
  assert.deepEqual(errors, [], 'no script error, no CSP violation');

  // A reader sees the tiles but cannot change the setting: no Settings page, and the API refuses.
  const reader = await consolePage(browser);
  await signIn(reader.page, url, 'reader@example.com', password);
  await reader.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  assert.equal(await reader.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).count(), 0);
  await reader.page.goto(`${url}/#/dashboards/${dashboardId}`);
  await tilesLoaded(reader.page, overId);
  const readerToken = await login('reader@example.com');
  const refused = await rpc(api, 'mapTiles.set', { url: 'https://evil.example/{z}/{x}/{y}.png' }, readerToken);
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'FORBIDDEN');
  assert.equal(((await rpc(api, 'mapTiles.get', {}, readerToken)).body.result as { url: string }).url, template, 'unchanged');
  await browser.close();
});
