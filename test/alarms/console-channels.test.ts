import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createUser } from '../../src-main/access/users';
import type { AlarmChannel } from '../../src-shared/api/areas/alarm-channels';
import { cliCaller } from '../access/helpers';
import { allowHosts, must } from '../helpers/alarms';
import { launchBrowser } from '../helpers/browser';
import { consolePage, consoleUrl, shootBothSizes, signIn } from '../helpers/console-ui';
import { startTestHub } from '../helpers/hub';
import { tempDir } from '../helpers/tmp';

const password = 'channel test passphrase';
const smtpPassword = 'console-smtp-secret-4d1e';

test('console Alarms page: an admin adds a webhook (secret shown once) and an email channel (password never shown), sees both and removes one; an off-allowlist host is refused with the reason; a writer sees no channels', async () => {
  const hub = await startTestHub();
  allowHosts(hub, ['hooks.example.com', 'mail.example.com']);
  const access = hub.services.access;
  await createUser(access, cliCaller(), { email: 'admin@example.com', role: 'admin', password });
  await createUser(access, cliCaller(), { email: 'writer@example.com', role: 'writer', password });

  const url = consoleUrl(`https://127.0.0.1:${hub.listeners.console!.port}`);
  const browser = await launchBrowser(hub.config.dataDir);
  const admin = await consolePage(browser);
  const page = admin.page;
  await signIn(page, url, 'admin@example.com', password);
  await page.getByRole('link', { name: 'Alarms' }).click();
  await page.getByTestId('channels-empty').waitFor();

  const form = page.getByRole('form', { name: 'New channel' });
  await page.getByTestId('add-channel').click();
  await form.getByLabel('Name').fill('pager');
  await form.getByLabel('URL').fill('https://evil.example.net/hook');
  await form.getByRole('button', { name: 'Add' }).click();
  await page.getByText(/not on the hub's outbound allowlist/).waitFor();
  await form.getByLabel('URL').fill('https://hooks.example.com/outpost');
  await form.getByRole('button', { name: 'Add' }).click();
  const secret = await page.getByTestId('secret-value').innerText();
  assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
  await page.getByRole('button', { name: 'I have stored it' }).click();

  await page.getByTestId('add-channel').click();
  await form.getByLabel('Name').fill('duty mail');
  await form.getByLabel('Kind').selectOption('email');
  await form.getByLabel('SMTP server').fill('mail.example.com');
  await form.getByLabel('Username (empty: no login)').fill('hub');
  await form.getByLabel('Password').fill(smtpPassword);
  await form.getByLabel('From').fill('hub@example.com');
  await form.getByLabel('To (one or more addresses)').fill('duty@example.com, lead@example.com');
  await form.getByRole('button', { name: 'Add' }).click();
  await page.getByTestId('channel-duty mail').waitFor();
  const table = await page.getByTestId('channels-table').innerText();
  assert.match(table, /pager\s+webhook\s+https:\/\/hooks\.example\.com\/outpost/);
  assert.match(table, /duty mail\s+email\s+mail\.example\.com:587 \(starttls\) → duty@example\.com, lead@example\.com, login hub/);
  assert.ok(!(await page.content()).includes(smtpPassword), 'the password is nowhere on the page');
  const stored = await must<AlarmChannel[]>(hub, 'alarmChannels.list', {});
  assert.deepEqual(stored.map((c) => (c.kind === 'email' ? [c.name, c.email.hasPassword, c.email.to.length] : [c.name, c.url])), [
    ['duty mail', true, 2],
    ['pager', 'https://hooks.example.com/outpost'],
  ]);
  await shootBothSizes(page, tempDir(), 'alarm-channels');

  await page.getByTestId('channel-pager').getByRole('button', { name: 'Remove' }).click();
  await page.getByTestId('channel-pager').getByRole('button', { name: 'Remove' }).last().click();
  await page.getByTestId('channel-pager').waitFor({ state: 'detached' });
  assert.deepEqual((await must<AlarmChannel[]>(hub, 'alarmChannels.list', {})).map((c) => c.name), ['duty mail']);

  const writer = await consolePage(browser);
  await signIn(writer.page, url, 'writer@example.com', password);
  await writer.page.getByRole('link', { name: 'Alarms' }).click();
  await writer.page.getByRole('heading', { name: 'Alarms' }).waitFor();
  assert.equal(await writer.page.getByRole('heading', { name: 'Channels' }).count(), 0);
  assert.deepEqual([...admin.errors, ...writer.errors], []);
});
