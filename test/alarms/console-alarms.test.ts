import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Alarm } from '../../src-shared/api/areas/alarms';
import { rpc } from '../access/helpers';
import { launchBrowser } from '../helpers/browser';
import { startServe } from '../helpers/cli';
import { addUserWithCli, cli, consolePage, consoleUrl, shootBothSizes, signIn } from '../helpers/console-ui';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { runTool } from '../mqtt/helpers/hub';
import { tempDir } from '../helpers/tmp';

const passwords = { writer: 'writer password 12', reader: 'reader password 12', owner: 'owner password 123' };

test('console alarms: mosquitto_pub crosses a threshold, the alarm shows within 2 s and in `outpost alarm list`; a writer acknowledges, a reader cannot; the value returns past the deadband and it clears', async () => {
  const dataDir = tempDir();
  forgetKeychainEntryAfter(dataDir);
  for (const role of ['owner', 'writer', 'reader'] as const) await addUserWithCli(dataDir, `${role}@example.com`, role, passwords[role]);
  const added = JSON.parse((await cli(['device', 'add', 'freezer', '--name', 'Freezer', '--json'], dataDir)).trim().split('\n').pop()!) as { id: number; token: string };
  await cli(['group', 'add', 'kitchen', '--devices', 'freezer'], dataDir);
  for (const who of ['writer', 'reader']) await cli(['group', 'member', 'add', 'kitchen', `${who}@example.com`], dataDir);
  await cli(['alarm', 'rule', 'add', 'freezer warm', '--device', 'freezer', '--variable', 't', '--op', '>', '--level', 'major:-18', '--level', 'critical:-5', '--deadband', '2'], dataDir);

  const serve = await startServe(['--data-dir', dataDir]);
  const url = consoleUrl(serve.ready.consoleUrl);
  const caFile = join(dataDir, 'tls', 'ca.crt');
  const publish = async (value: number) => {
    const r = await runTool('mosquitto_pub', ['-h', 'localhost', '-p', String(serve.ready.listeners.mqtts!.port), '--cafile', caFile, '-u', added.token, '-t', '/v1.6/devices/freezer', '-m', JSON.stringify({ t: value }), '-q', '1']);
    assert.equal(r.code, 0, r.stderr);
  };
  const browser = await launchBrowser(dataDir);
  const writer = await consolePage(browser);
  const reader = await consolePage(browser);
  await signIn(writer.page, url, 'writer@example.com', passwords.writer);
  await signIn(reader.page, url, 'reader@example.com', passwords.reader);
  for (const { page } of [writer, reader]) {
    await page.getByRole('link', { name: 'Alarms' }).click();
    await page.getByTestId('alarms-empty').waitFor();
  }

  await publish(-19);
  await publish(-12);
  const published = Date.now();
  const row = writer.page.locator('[data-testid^="alarm-"][data-state="active"]');
  await row.waitFor({ timeout: 10_000 });
  const shownAfter = Date.now() - published;
  await reader.page.locator('[data-testid^="alarm-"][data-state="active"]').waitFor({ timeout: 10_000 });
  const readerAfter = Date.now() - published;
  assert.ok(shownAfter < 2000, `the alarm showed in the writer's console ${shownAfter} ms after the PUBACK`);
  assert.ok(readerAfter < 2000, `and in the reader's ${readerAfter} ms after`);
  await writer.page.getByTestId('alarm-badge').filter({ hasText: '1' }).waitFor();

  const listed = await cli(['alarm', 'list', '--json'], dataDir);
  const alarms = (JSON.parse(listed.trim().split('\n').at(-1)!) as { alarms: Alarm[] }).alarms;
  assert.deepEqual(
    alarms.map((a) => [a.ruleName, a.deviceLabel, a.state, a.severity, a.value]),
    [['freezer warm', 'freezer', 'active', 'major', -12]],
  );
  const alarmId = alarms[0]!.id;

  // The reader sees it but has no controls, and the hub refuses the call anyway.
  assert.equal(await reader.page.getByRole('button', { name: 'Acknowledge' }).count(), 0);
  const ca = readFileSync(caFile, 'utf8');
  const readerToken = ((await rpc({ url, ca }, 'auth.login', { email: 'reader@example.com', password: passwords.reader })).body.result as { token: string }).token;
  const refused = await rpc({ url, ca }, 'alarms.ack', { alarmId, comment: 'reader' }, readerToken);
  assert.equal(refused.status, 403);
  await shootBothSizes(reader.page, dataDir, 'alarms-reader');

  await shootBothSizes(writer.page, dataDir, 'alarms-writer-active');
  await writer.page.getByLabel('Comment').fill('door left open, closed it');
  await writer.page.getByRole('button', { name: 'Acknowledge' }).click();
  await row.getByTestId('alarm-ack').filter({ hasText: 'door left open, closed it' }).waitFor();
  await writer.page.getByTestId('alarm-badge').waitFor({ state: 'detached' });
  await shootBothSizes(writer.page, dataDir, 'alarms-writer-acked');

  // Inside the deadband (-18 - 2): still active. Past it: cleared, and the active list is empty again.
  await publish(-19);
  await writer.page.waitForTimeout(1500);
  assert.equal(await row.count(), 1, 'still active inside the deadband');
  await publish(-21);
  await writer.page.getByTestId('alarms-empty').waitFor({ timeout: 5000 });
  await writer.page.getByLabel('State').selectOption('cleared');
  await writer.page.locator('[data-testid^="alarm-"][data-state="cleared"]').waitFor();

  await writer.page.goto(`${url}/#/devices/${added.id}`);
  await writer.page.locator('[data-testid^="alarm-"][data-state="cleared"]').waitFor();
  await shootBothSizes(writer.page, dataDir, 'alarms-device-page');
  assert.deepEqual([...writer.errors, ...reader.errors], []);
  assert.equal((await serve.stop()).code, 0);
});
