import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startServe, type ServeProcess } from '../helpers/cli';
import { addUserWithCli, cli, consolePage, consoleUrl, screenshotPath, signIn } from '../helpers/console-ui';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';
import { totp } from '../../src-main/access/totp';
import { base32Decode } from '../helpers/base32';

/**
 * The console in Debian's Chromium against a real `outpost serve`, with users,
 * devices and groups made by the real CLI on the same data directory.
 */
let dataDir: string;
let serve: ServeProcess;
let browser: Browser;
let url: string;

// One hub and one browser for the whole file: subtests of one test, so both close when it ends.
test('the console UI against outpost serve', async (t) => {
  dataDir = tempDir();
  forgetKeychainEntryAfter(dataDir);
  await addUserWithCli(dataDir, 'owner@example.com', 'owner', 'correct horse battery');
  await addUserWithCli(dataDir, 'tech@example.com', 'reader', 'reader password 1');
  await addUserWithCli(dataDir, 'office@example.com', 'admin', 'office password 1');
  await cli(['device', 'add', 'pump-1', '--name', 'Pump 1'], dataDir);
  await cli(['device', 'add', 'boiler-7', '--name', 'Boiler 7'], dataDir);
  await cli(['group', 'add', 'site-a', '--devices', 'pump-1'], dataDir);
  await cli(['group', 'member', 'add', 'site-a', 'tech@example.com'], dataDir);
  serve = await startServe(['--data-dir', dataDir]);
  browser = await launchBrowser(dataDir);
  url = consoleUrl(serve.ready.consoleUrl);
  for (const [name, run] of cases) await t.test(name, run);
  assert.equal((await serve.stop()).code, 0);
});

const cases: [string, () => Promise<void>][] = [];
function uiTest(name: string, run: () => Promise<void>): void {
  cases.push([name, run]);
}

uiTest('an owner signs in and sees every device and every admin page', async () => {
  const { page, errors } = await consolePage(browser);
  await signIn(page, url, 'owner@example.com', 'correct horse battery');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const name of ['Dashboard', 'Devices', 'Users', 'Groups', 'Apps & keys', 'Audit log', 'Settings', 'Hub']) await nav.getByRole('link', { name, exact: true }).waitFor();
  await page.locator('[data-device="pump-1"]').waitFor();
  await page.locator('[data-device="boiler-7"]').waitFor();
  await page.screenshot({ path: screenshotPath(dataDir, 'dashboard-owner') });
  await nav.getByRole('link', { name: 'Users', exact: true }).click();
  await page.getByTestId('users-table').getByText('tech@example.com').waitFor();
  await page.screenshot({ path: screenshotPath(dataDir, 'users') });
  assert.deepEqual(errors, []);
});

uiTest('a wrong password shows the hub\'s error on the sign-in form and signs nobody in', async () => {
  const { page, errors } = await consolePage(browser);
  await signIn(page, url, 'owner@example.com', 'not the password');
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /email, password or one-time code is wrong.*BAD_CREDENTIALS/s);
  assert.equal(await page.getByRole('heading', { name: 'Dashboard' }).count(), 0);
  await page.screenshot({ path: screenshotPath(dataDir, 'login-error') });
  assert.deepEqual(errors, []);
});

uiTest('a reader sees only the devices of their groups and no admin page, and the hub refuses the calls too', async () => {
  const { page, errors } = await consolePage(browser);
  await signIn(page, url, 'tech@example.com', 'reader password 1');
  await page.locator('[data-device="pump-1"]').waitFor();
  assert.equal(await page.locator('[data-device="boiler-7"]').count(), 0, 'boiler-7 is in no group of the reader');
  const nav = page.getByRole('navigation', { name: 'Main' });
  assert.equal(await nav.getByRole('link', { name: 'Users', exact: true }).count(), 0);
  assert.equal(await nav.getByRole('link', { name: 'Settings', exact: true }).count(), 0);
  await nav.getByRole('link', { name: 'Devices', exact: true }).click();
  await page.getByTestId('devices-table').waitFor();
  assert.deepEqual(await page.getByTestId('devices-table').locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-device'))), ['pump-1']);
  assert.equal(await page.getByRole('button', { name: 'Add device' }).count(), 0);
  await page.goto(`${url}/#/users`);
  await page.getByRole('heading', { name: 'Not available to you' }).waitFor();
  // The page is hidden, and the hub enforces it regardless of the UI.
  const refused = await page.evaluate(async () => {
    const token = (JSON.parse(sessionStorage.getItem('outpost.session') ?? '{}') as { token?: string }).token;
    const r = await fetch('/api/rpc/users.list', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: '{}' });
    return { status: r.status, body: (await r.json()) as { code: string } };
  });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'FORBIDDEN');
  await page.screenshot({ path: screenshotPath(dataDir, 'reader-forbidden') });
  assert.deepEqual(errors, []);
});

uiTest('adding a device shows its token once, with a warning, and the new device works with it', async () => {
  const { page, errors } = await consolePage(browser);
  await signIn(page, url, 'owner@example.com', 'correct horse battery');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices', exact: true }).click();
  await page.getByRole('button', { name: 'Add device' }).click();
  await page.getByLabel('Label').fill('Tank-3');
  await page.getByLabel(/^Name/).fill('Water tank 3');
  await page.getByRole('button', { name: 'Create device' }).click();
  const secret = page.getByTestId('secret-once');
  await secret.waitFor();
  const token = (await page.getByTestId('secret-value').innerText()).trim();
  assert.match(token, /^opd_[A-Za-z0-9_-]{43}$/);
  assert.match(await secret.innerText(), /only time the hub shows this token/);
  await page.screenshot({ path: screenshotPath(dataDir, 'device-token-once') });
  await page.getByRole('button', { name: 'I have stored it' }).click();
  await page.locator('[data-device="tank-3"]').waitFor();
  assert.equal(await page.getByText(token).count(), 0, 'the token is gone from the page');
  // Adding the same label again: the hub's error is shown in the form.
  await page.getByRole('button', { name: 'Add device' }).click();
  await page.getByLabel('Label').fill('tank-3');
  await page.getByRole('button', { name: 'Create device' }).click();
  assert.match(await page.getByRole('alert').innerText(), /already exists.*DEVICE_EXISTS/s);
  const listed = JSON.parse((await cli(['device', 'list', '--json'], dataDir)).trim().split('\n').pop()!) as { devices: { label: string; tokens: string[] }[] };
  const tank = listed.devices.find((d) => d.label === 'tank-3');
  assert.ok(tank && tank.tokens.length === 1 && token.startsWith(tank.tokens[0]!.replace(/…$/, '')), 'the CLI sees the device with one live token');
  assert.deepEqual(errors, []);
});

uiTest('sign out everywhere ends the session in every tab', async () => {
  const first = await consolePage(browser);
  const second = await consolePage(browser);
  await signIn(first.page, url, 'owner@example.com', 'correct horse battery');
  await signIn(second.page, url, 'owner@example.com', 'correct horse battery');
  await second.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await first.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await first.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
  await first.page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await first.page.getByRole('heading', { name: 'Sign in to Outpost' }).waitFor();
  assert.match(await first.page.getByRole('status').first().innerText(), /Signed out of \d+ sessions?/);
  // The other tab learns it from the live channel's re-check (or its next call) and is back at sign-in.
  await second.page.getByRole('heading', { name: 'Sign in to Outpost' }).waitFor({ timeout: 15_000 });
  assert.match(await second.page.locator('.notice').innerText(), /session has ended/);
  assert.deepEqual([...first.errors, ...second.errors], []);
});

uiTest('after a reload the header and the Account page still know the signed-in person', async () => {
  const { page, errors } = await consolePage(browser);
  await signIn(page, url, 'owner@example.com', 'correct horse battery');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
  await page.getByRole('heading', { name: 'Your account' }).waitFor();
  // A reloaded tab has only its token: who it is comes from auth.me, not from the sign-in answer.
  await page.reload();
  await page.getByRole('heading', { name: 'Your account' }).waitFor();
  assert.match(await page.locator('.who').innerText(), /owner@example\.com/, 'the header names the person, not user:N');
  const facts = await page.locator('dl.facts').innerText();
  assert.match(facts, /Email\s+owner@example\.com/);
  assert.match(facts, /Organisation\s+\S+/);
  assert.equal(await page.getByRole('button', { name: 'Set up two-factor sign-in' }).isEnabled(), true, 'changing one\'s sign-in still works');
  await page.getByRole('heading', { name: 'Your data' }).waitFor();
  assert.deepEqual(errors, []);
});

uiTest('an admin turns on two-factor sign-in; the next sign-in asks for the code and a wrong one is refused', async () => {
  const { page, errors } = await consolePage(browser);
  await signIn(page, url, 'office@example.com', 'office password 1');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  // Changing how one signs in needs the password again.
  await page.getByLabel(/Your password/).fill('office password 1');
  await page.getByRole('button', { name: 'Continue' }).click();
  const uri = await page.getByRole('link', { name: 'Open in authenticator app' }).getAttribute('href');
  const secret = base32Decode(new URL(uri!).searchParams.get('secret')!);
  await page.getByLabel('Code').fill('000000' === totp(secret, Date.now() / 1000) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Turn on' }).click();
  assert.match(await page.getByRole('alert').innerText(), /does not match.*BAD_TOTP/s);
  await page.getByLabel('Code').fill(totp(secret, Date.now() / 1000));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await page.getByText('Two-factor sign-in is on').waitFor();
  await page.getByRole('button', { name: 'Sign out', exact: true }).first().click();

  await signIn(page, url, 'office@example.com', 'office password 1');
  const code = page.getByLabel('One-time code');
  await code.waitFor();
  assert.match(await page.getByRole('alert').innerText(), /needs a one-time code.*TOTP_REQUIRED/s);
  await page.screenshot({ path: screenshotPath(dataDir, 'login-totp') });
  // The code that turned it on was used up: sign in with the next one (a code is accepted once).
  await code.fill(totp(secret, Date.now() / 1000 + 30));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  assert.deepEqual(errors, []);
});

uiTest('apps and API keys: each secret is shown once; revoking marks it revoked', async () => {
  const { page, errors } = await consolePage(browser);
  await signIn(page, url, 'owner@example.com', 'correct horse battery');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Apps & keys' }).click();
  await page.getByRole('button', { name: 'New app token' }).click();
  await page.getByLabel('Name', { exact: true }).fill('wallboard');
  await page.getByRole('button', { name: 'Create token' }).click();
  assert.match((await page.getByTestId('secret-value').innerText()).trim(), /^opa_[A-Za-z0-9_-]{43}$/);
  await page.screenshot({ path: screenshotPath(dataDir, 'apps-token-once') });
  await page.getByRole('button', { name: 'I have stored it' }).click();
  await page.getByLabel('New API key named').fill('ubidots-script');
  await page.getByRole('button', { name: 'Create key' }).click();
  assert.match((await page.getByTestId('secret-value').innerText()).trim(), /^opk_/);
  await page.getByRole('button', { name: 'I have stored it' }).click();
  assert.equal(await page.getByTestId('secret-once').count(), 0);
  const row = page.getByRole('row').filter({ hasText: 'wallboard' });
  await row.getByRole('button', { name: 'Revoke' }).click();
  await row.getByRole('button', { name: 'Yes, revoke' }).click();
  await row.getByText('Revoked').waitFor();
  assert.deepEqual(errors, []);
});

uiTest('audit log: the failed sign-in is listed, the chain verifies, and settings show the hub\'s refusal in place', async () => {
  const { page, errors } = await consolePage(browser);
  await signIn(page, url, 'owner@example.com', 'correct horse battery');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Audit log' }).click();
  await page.getByLabel('Action').fill('auth.login');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByTestId('audit-table').getByRole('row').filter({ hasText: 'failed' }).first().waitFor();
  await page.getByRole('button', { name: 'Verify the chain' }).click();
  assert.match(await page.getByTestId('audit-verify').innerText(), /The chain is intact: \d+ entries checked/);
  await page.screenshot({ path: screenshotPath(dataDir, 'audit') });
  await nav.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel(/Session length/).fill('0');
  await page.getByRole('button', { name: 'Save settings' }).click();
  assert.match(await page.getByRole('alert').innerText(), /sessionAbsoluteHours.*INVALID_INPUT/s);
  await page.getByLabel(/Session length/).fill('12');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Saved; the new settings apply').waitFor();
  await page.screenshot({ path: screenshotPath(dataDir, 'settings'), fullPage: true });
  assert.deepEqual(errors, []);
});

uiTest('an admin puts a device into a reader\'s group from the Groups page and the reader then sees it', async () => {
  const admin = await consolePage(browser);
  await signIn(admin.page, url, 'owner@example.com', 'correct horse battery');
  await admin.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Groups' }).click();
  await admin.page.getByRole('button', { name: 'New group' }).click();
  await admin.page.getByLabel('Name').fill('boiler-room');
  await admin.page.getByRole('group', { name: 'Devices' }).getByLabel('Boiler 7').check();
  await admin.page.getByRole('group', { name: /Members/ }).getByLabel('tech@example.com').check();
  await admin.page.getByRole('button', { name: 'Save' }).click();
  await admin.page.getByRole('row').filter({ hasText: 'boiler-room' }).getByText('Boiler 7').waitFor();
  await admin.page.screenshot({ path: screenshotPath(dataDir, 'groups') });
  const reader = await consolePage(browser);
  await signIn(reader.page, url, 'tech@example.com', 'reader password 1');
  await reader.page.locator('[data-device="boiler-7"]').waitFor();
  await reader.page.locator('[data-device="pump-1"]').waitFor();
  assert.deepEqual([...admin.errors, ...reader.errors], []);
});
