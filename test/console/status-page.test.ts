import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServe } from '../helpers/cli';
import { launchBrowser } from '../helpers/browser';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';

test('the console page loads in Chromium over the hub\'s TLS; before sign-in the hub page shows only the CA fingerprint', async () => {
  const dataDir = tempDir();
  forgetKeychainEntryAfter(dataDir);
  const serve = await startServe(['--data-dir', dataDir]);
  const browser = await launchBrowser(dataDir);
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const response = await page.goto(`${serve.ready.consoleUrl.replace('127.0.0.1', 'localhost')}#/status`);
  assert.equal(response?.status(), 200);
  assert.match(String(response?.headers()['content-security-policy']), /default-src 'self'/);
  await page.getByTestId('ca-fingerprint').waitFor();
  assert.equal(await page.getByTestId('ca-fingerprint').textContent(), serve.ready.caFingerprint);
  // Nothing about the hub's set-up before sign-in: no id, version, listeners or insecure flags.
  const text = await page.locator('main').textContent();
  assert.ok(!text?.includes(serve.ready.hubId), 'the hub id is not shown before sign-in');
  assert.equal(await page.getByTestId('hub-id').count(), 0);
  assert.deepEqual(errors, [], 'no script errors (CSP violations show up here too)');
  await page.screenshot({ path: join(process.env.OUTPOST_SCREENSHOTS ?? dataDir, 'status.png') });
  assert.equal((await serve.stop()).code, 0);
});
