import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { launchBrowser } from '../helpers/browser';
import { startServe } from '../helpers/cli';
import { addUserWithCli, consolePage, consoleUrl, shootBothSizes, signIn } from '../helpers/console-ui';
import { tempDir } from '../helpers/tmp';

const password = 'certificate passphrase 1';

test('the console explains the certificate warning on a first visit and, once signed in, offers the hub CA that verifies it', async (t) => {
  const dataDir = tempDir();
  const key = ['--key-file', join(dataDir, '..', `${dataDir.split('/').pop()}.key`)];
  await addUserWithCli(dataDir, 'owner@example.com', 'owner', password, key);
  const serve = await startServe(['--data-dir', dataDir, ...key]);
  t.after(() => serve.stop());
  const browser = await launchBrowser(dataDir);
  const { page, errors } = await consolePage(browser);
  const url = consoleUrl(serve.ready.consoleUrl);

  await page.goto(url);
  const help = page.getByTestId('certificate-help');
  await help.waitFor();
  assert.equal(await help.getAttribute('open'), '', 'open on a first visit');
  assert.equal(await help.getByTestId('cert-help-fingerprint').innerText(), serve.ready.caFingerprint, 'the fingerprint the hub printed');
  for (const system of ['Linux', 'Windows', 'macOS']) await help.getByText(system, { exact: true }).waitFor();
  assert.equal(await help.getByTestId('ca-download').count(), 0, 'before sign-in only the fingerprint is public');
  await shootBothSizes(page, dataDir, 'certificate-help');
  await help.locator('summary').click();
  await page.reload();
  await page.getByTestId('certificate-help').waitFor();
  assert.equal(await page.getByTestId('certificate-help').getAttribute('open'), null, 'closed once, it stays closed on this browser');

  await signIn(page, url, 'owner@example.com', password);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hub', exact: true }).click();
  const onHub = page.getByTestId('certificate-help');
  await onHub.locator('summary').click();
  const [download] = await Promise.all([page.waitForEvent('download'), onHub.getByTestId('ca-download').click()]);
  assert.equal(download.suggestedFilename(), 'outpost-ca.crt');
  assert.equal(readFileSync((await download.path())!, 'utf8'), readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8'), 'the CA in the data directory');
  assert.deepEqual(errors, []);
});
