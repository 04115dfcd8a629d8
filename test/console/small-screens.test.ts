import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startServe } from '../helpers/cli';
import { addUserWithCli, cli, consoleUrl, screenshotPath, signIn } from '../helpers/console-ui';
import { tempDir } from '../helpers/tmp';

const password = 'small screens passphrase';

/** The page never scrolls sideways: whatever is wide scrolls inside its own box. */
async function noSidewaysScroll(page: Page, where: string): Promise<void> {
  const { scroll, width, widest } = await page.evaluate(() => {
    const w = window.innerWidth;
    // The outermost element that reaches past the window, to say what is too wide.
    // No named helper: the test runner's transform would reference a function the page does not have.
    let over: Element | undefined;
    for (const e of document.querySelectorAll('body *')) {
      if (over || e.getBoundingClientRect().right <= w + 1) continue;
      let inScrollBox = false;
      for (let a = e.parentElement; a && !inScrollBox; a = a.parentElement) inScrollBox = getComputedStyle(a).overflowX !== 'visible';
      if (!inScrollBox) over = e;
    }
    return { scroll: document.documentElement.scrollWidth, width: w, widest: over ? `${over.tagName.toLowerCase()}.${over.className}` : '' };
  });
  assert.ok(scroll <= width, `${where}: the page is ${scroll} px wide in a ${width} px window (${widest})`);
}

test('the main pages at 1280x800 and 390x844: navigation fits or folds into a menu, nothing scrolls sideways, a skip link', async () => {
  const dataDir = tempDir();
  const keyFile = join(dataDir, '..', `${dataDir.split('/').pop()}.key`);
  const key = ['--key-file', keyFile];
  await addUserWithCli(dataDir, 'owner.with.a.long.address@example.com', 'owner', password, key);
  const added = JSON.parse((await cli(['device', 'add', 'boiler-house-north-7', '--name', 'Boiler house north 7', '--json'], dataDir, key)).trim().split('\n').pop()!) as { id: number; token: string };
  const serve = await startServe(['--data-dir', dataDir, ...key]);
  const port = String(serve.ready.listeners.mqtts!.port);
  for (const message of ['{"temperature": 21.5, "pressure": 1.2}', '{"temperature": oops']) {
    const r = spawnSync('mosquitto_pub', ['-h', 'localhost', '-p', port, '--cafile', join(dataDir, 'tls', 'ca.crt'), '-u', added.token, '-q', '1', '-t', '/v1.6/devices/boiler-house-north-7', '-m', message], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0, r.stderr);
  }
  const browser = await launchBrowser(dataDir);
  const url = consoleUrl(serve.ready.consoleUrl);
  const pages: [string, string][] = [
    ['dashboard', ''],
    ['devices', 'devices'],
    ['device', `devices/${added.id}`],
    ['traffic', 'traffic'],
    ['users', 'users'],
    ['audit', 'audit'],
    ['settings', 'settings'],
    ['hub', 'status'],
  ];

  for (const [width, height] of [
    [1280, 800],
    [390, 844],
  ] as const) {
    const page = await browser.newPage({ viewport: { width, height } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, url, 'owner.with.a.long.address@example.com', password);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    const menu = page.getByRole('button', { name: 'Menu' });
    if (width === 1280) {
      assert.equal(await menu.isVisible(), false, 'no menu button on a wide screen');
      for (const link of await nav.getByRole('link').all()) {
        const box = (await link.boundingBox())!;
        assert.ok(box.x >= 0 && box.x + box.width <= width, `"${await link.innerText()}" is cut off at ${width} px`);
      }
    } else {
      assert.equal(await nav.isVisible(), false, 'the navigation folds away on a small screen');
      await menu.click();
      assert.equal(await menu.getAttribute('aria-expanded'), 'true');
      await nav.getByRole('link', { name: 'Devices', exact: true }).click();
      await page.getByRole('heading', { name: 'Devices' }).waitFor();
      assert.equal(await nav.isVisible(), false, 'choosing a page closes the menu');
    }
    for (const [name, route] of pages) {
      await page.goto(`${url}/#/${route}`);
      await page.locator('main h1').first().waitFor();
      if (name === 'device') await page.getByTestId('problems-table').waitFor();
      await page.screenshot({ path: screenshotPath(dataDir, `${name}-${width}x${height}`), fullPage: true });
      await noSidewaysScroll(page, `${name} at ${width}x${height}`);
    }
    // The skip link is the first stop of the keyboard and moves focus to the content.
    await page.goto(`${url}/#/devices`);
    await page.reload();
    await page.locator('main h1').first().waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    assert.deepEqual(errors, []);
    await page.close();
  }
  assert.equal((await serve.stop()).code, 0);
});
