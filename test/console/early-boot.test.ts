import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startServe } from '../helpers/cli';
import { addUserWithCli, cli, consolePage, consoleUrl, shootBothSizes, signIn } from '../helpers/console-ui';
import { httpsRequest } from '../helpers/https';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';

/**
 * index.html's inline boot script (src-renderer/early/early-boot.ts), in
 * Chromium against `outpost serve`: a signed-in tab reloaded on a device page
 * sends auth.me, devices.get and readings.series before the bundle has run,
 * each once, and the chart draws from those answers. The CSP allows exactly
 * that script by its hash: a changed copy is refused and the console still
 * works, sending the calls itself.
 */
const hour = 3_600_000;
const day = 24 * hour;

interface Timings {
  app: number;
  drawn: number;
  calls: { method: string; start: number }[];
  early: boolean;
  points: number;
}

/** After the chart has drawn: when the bundle ran and each API call of this page load started (ms after navigation). */
async function timings(page: Page): Promise<Timings> {
  await page.waitForFunction(() => performance.getEntriesByName('outpost:chart-drawn').length > 0);
  return page.evaluate(() => ({
    app: performance.getEntriesByName('outpost:app-start')[0]!.startTime,
    drawn: performance.getEntriesByName('outpost:chart-drawn')[0]!.startTime,
    calls: (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      .filter((r) => new URL(r.name).pathname.startsWith('/api/rpc/'))
      .map((r) => ({ method: new URL(r.name).pathname.slice('/api/rpc/'.length), start: r.startTime })),
    early: 'outpostEarly' in window,
    points: Number(document.querySelector('[data-testid=time-chart]')!.getAttribute('data-points')),
  }));
}

const firstCalls = ['auth.me', 'devices.get', 'readings.series'];

/** A GET whose body stays bytes (test/helpers/https.ts decodes it as text). */
function rawGet(url: string, ca: string, acceptEncoding: string): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, agent: false, headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('a signed-in tab opened on a device page sends its first calls from the inline boot script, allowed by hash only', async () => {
  const dataDir = tempDir();
  forgetKeychainEntryAfter(dataDir);
  await addUserWithCli(dataDir, 'owner@example.com', 'owner', 'correct horse battery');
  const added = JSON.parse((await cli(['device', 'add', 'tank-1', '--name', 'Tank 1', '--json'], dataDir)).trim().split('\n').pop()!) as { id: number; token: string };
  const serve = await startServe(['--data-dir', dataDir]);
  const ca = readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8');
  // One reading every 2 hours from 29 days ago to an hour ago: each its own hourly bucket on the 30-day chart.
  const now = Date.now();
  const dots = Array.from({ length: 29 * 12 }, (_, i) => ({ timestamp: Math.floor((now - 29 * day + i * 2 * hour) / 1000) * 1000, value: i % 50 }));
  for (let i = 0; i < dots.length; i += 150) {
    const answer = await httpsRequest(`https://127.0.0.1:${serve.ready.listeners.https!.port}/api/v1.6/devices/tank-1`, {
      ca,
      method: 'POST',
      headers: { 'x-auth-token': added.token, 'content-type': 'application/json' },
      body: JSON.stringify({ level: dots.slice(i, i + 150) }),
    });
    assert.equal(answer.status, 200, answer.body);
  }
  const url = consoleUrl(serve.ready.consoleUrl);

  // The page's CSP allows its inline script by hash, never any inline script.
  const index = await httpsRequest(`${serve.ready.consoleUrl.replace(/\/$/, '')}/`, { ca });
  const csp = String(index.headers['content-security-policy']);
  const scriptSrc = csp.split('; ').find((d) => d.startsWith('script-src '))!;
  assert.match(scriptSrc, /^script-src 'self' 'sha256-[A-Za-z0-9+/]{43}='$/, csp);
  assert.match(index.body, /<head>\s*<meta charset="UTF-8" \/>\s*<script>/, 'the boot script comes right after <meta charset>, before the style sheet');

  // Scripts and style sheets go brotli-compressed to a client that accepts it, byte for byte the same once decompressed.
  const assets = [...index.body.matchAll(/(?:src|href)="\.?(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  assert.ok(assets.length >= 2, `the page links its script and style sheet: ${assets.join(', ')}`);
  for (const asset of assets) {
    const plain = await rawGet(`${serve.ready.consoleUrl.replace(/\/$/, '')}${asset}`, ca, 'gzip, deflate');
    const br = await rawGet(`${serve.ready.consoleUrl.replace(/\/$/, '')}${asset}`, ca, 'gzip, deflate, br');
    assert.equal(plain.headers['content-encoding'], undefined, `${asset} without br`);
    assert.equal(br.headers['content-encoding'], 'br', asset);
    assert.equal(br.headers.vary, 'Accept-Encoding');
    assert.ok(br.body.length < plain.body.length / 2, `${asset}: ${br.body.length} bytes compressed, ${plain.body.length} plain`);
    assert.ok(brotliDecompressSync(br.body).equals(plain.body), `${asset} decompresses to the plain copy`);
  }

  const browser = await launchBrowser(dataDir);
  const { page, errors } = await consolePage(browser);
  await signIn(page, url, 'owner@example.com', 'correct horse battery');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.goto(`${url}/#/devices/${added.id}/30d`);
  await page.reload();
  const early = await timings(page);
  for (const method of firstCalls) {
    const calls = early.calls.filter((c) => c.method === method);
    assert.equal(calls.length, 1, `${method} sent once (the bundle used the early answer): ${JSON.stringify(early.calls)}`);
    assert.ok(calls[0]!.start < early.app, `${method} sent at ${calls[0]!.start.toFixed(0)} ms, before the bundle ran at ${early.app.toFixed(0)} ms`);
  }
  assert.equal(early.early, false, 'the early calls were taken over');
  assert.equal(early.points, dots.length, 'every reading drawn, in its own bucket');
  assert.deepEqual(errors, [], 'no script errors and no CSP violation');
  await shootBothSizes(page, dataDir, 'device-chart-early-boot');
  // The connection card (and its QR code library) is loaded only when a rotated token is shown.
  await page.getByRole('button', { name: 'Rotate token' }).click();
  await page.getByRole('button', { name: 'Yes, rotate token' }).click();
  await page.getByTestId('connection-qr').waitFor();
  assert.deepEqual(errors, []);
  await page.close();

  // The same page with its inline script changed by one character: the CSP refuses it, and the bundle sends the calls itself.
  const tampered = await consolePage(browser);
  await signIn(tampered.page, url, 'owner@example.com', 'correct horse battery');
  await tampered.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await tampered.page.goto(`${url}/#/devices/${added.id}/30d`);
  await tampered.page.route(`${url}/`, (route) => route.fulfill({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp }, body: index.body.replace('outpostEarly', 'outpostEarlY') }));
  await tampered.page.reload();
  const late = await timings(tampered.page);
  // A page answered by Playwright's route.fulfill has no network address of its own, so Chromium's local
  // network access check refuses its live WebSocket to localhost: an artifact of the interception.
  const refused = tampered.errors.filter((e) => !/ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS/.test(e));
  assert.equal(refused.length, 1, refused.join('\n'));
  assert.match(refused[0]!, /Content Security Policy directive 'script-src 'self' 'sha256-/);
  for (const method of firstCalls) {
    const calls = late.calls.filter((c) => c.method === method);
    assert.equal(calls.length, 1, `${method} sent once: ${JSON.stringify(late.calls)}`);
    assert.ok(calls[0]!.start > late.app, `${method} sent by the bundle, after it ran`);
  }
  assert.equal(late.points, dots.length);
  await tampered.page.close();
  assert.equal((await serve.stop()).code, 0);
});
