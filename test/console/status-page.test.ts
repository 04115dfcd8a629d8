import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServe } from '../helpers/cli';
import { launchBrowser } from '../helpers/browser';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';

test('the console page loads in Chromium over the hub\'s TLS and shows the hub', async () => {
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
  await page.getByTestId('hub-id').waitFor();
  assert.equal(await page.getByTestId('hub-id').textContent(), serve.ready.hubId);
  assert.equal(await page.getByTestId('ca-fingerprint').textContent(), serve.ready.caFingerprint);
  assert.deepEqual(errors, [], 'no script errors (CSP violations show up here too)');
  await page.screenshot({ path: join(process.env.OUTPOST_SCREENSHOTS ?? dataDir, 'status.png') });
  assert.equal((await serve.stop()).code, 0);
});
