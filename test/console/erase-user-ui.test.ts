import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchBrowser } from '../helpers/browser';
import { startServe } from '../helpers/cli';
import { addUserWithCli, cli, consolePage, consoleUrl, screenshotPath, signIn } from '../helpers/console-ui';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';

test('console: an owner erases a person from the Users page after confirming; the chain still verifies', async () => {
  const dataDir = tempDir();
  forgetKeychainEntryAfter(dataDir);
  await addUserWithCli(dataDir, 'owner@example.com', 'owner', 'correct horse battery');
  await addUserWithCli(dataDir, 'leaver@example.com', 'reader', 'leaver password 1');
  const serve = await startServe(['--data-dir', dataDir]);
  const browser = await launchBrowser(dataDir);
  try {
    const { page, errors } = await consolePage(browser);
    await signIn(page, consoleUrl(serve.ready.consoleUrl), 'owner@example.com', 'correct horse battery');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users', exact: true }).click();
    const row = page.locator('[data-user="leaver@example.com"]');
    await row.getByRole('button', { name: 'Erase personal data' }).click();
    // Nothing happens before the confirmation.
    await row.getByRole('group', { name: /Erase leaver@example.com for good/ }).waitFor();
    assert.equal(await row.count(), 1);
    await page.screenshot({ path: screenshotPath(dataDir, 'users-erase-confirm') });
    await row.getByRole('button', { name: 'Yes, erase personal data' }).click();
    await row.waitFor({ state: 'detached' });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
  const list = await cli(['user', 'list'], dataDir);
  assert.ok(!list.includes('leaver@example.com'), list);
  // Exits non-zero (and cli() fails) when the chain does not verify.
  await cli(['audit', 'verify'], dataDir);
  assert.equal((await serve.stop()).code, 0);
});
