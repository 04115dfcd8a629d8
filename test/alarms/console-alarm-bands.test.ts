import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createUser } from '../../src-main/access/users';
import { addDevice } from '../../src-main/devices/lifecycle';
import { cliCaller } from '../access/helpers';
import { must, sendReading } from '../helpers/alarms';
import { launchBrowser } from '../helpers/browser';
import { consolePage, consoleUrl, shootBothSizes, signIn } from '../helpers/console-ui';
import { startTestHub } from '../helpers/hub';
import { tempDir } from '../helpers/tmp';

const password = 'bands test passphrase';

test('a device page chart shades where the device’s alarms on that variable were active: one band per alarm, a still-active one too', async () => {
  const hub = await startTestHub();
  await createUser(hub.services.access, cliCaller(), { email: 'admin@example.com', role: 'admin', password });
  const dev = addDevice(hub.db, { label: 'freezer' });
  await must(hub, 'alarmRules.create', { name: 'warm', spec: { scope: { kind: 'device', deviceId: dev.device.id }, subject: { kind: 'variable', variable: 't' }, op: '>', levels: [{ severity: 'major', value: 0 }] } });
  const pause = () => new Promise((r) => setTimeout(r, 400));
  // Below, above (raised), below (cleared), above again (a second, still active alarm).
  for (const v of [-6, -5, 3, 4, 2, -4, -7, -6, 5, 6]) {
    await sendReading(hub, dev.token, 'freezer', v);
    await hub.services.alarms.flush();
    await pause();
  }
  const alarms = await must<Array<{ state: string }>>(hub, 'alarms.list', { deviceId: dev.device.id });
  assert.deepEqual(alarms.map((a) => a.state), ['active', 'cleared']);

  const url = consoleUrl(`https://127.0.0.1:${hub.listeners.console!.port}`);
  const browser = await launchBrowser(hub.config.dataDir);
  const admin = await consolePage(browser);
  await signIn(admin.page, url, 'admin@example.com', password);
  await admin.page.goto(`${url}/#/devices/${dev.device.id}`);
  const chart = admin.page.locator('[data-variable="t"] [data-testid="time-chart"]');
  await chart.waitFor();
  await admin.page.locator('[data-variable="t"] [data-testid="time-chart"][data-alarm-bands="2"]').waitFor({ timeout: 10_000 });
  assert.equal(await chart.getAttribute('data-points'), '10');
  // The shortest range, so that seconds-long alarms are wide enough to see in the screenshots.
  await admin.page.getByRole('button', { name: 'Live 15 min' }).click();
  await admin.page.locator('[data-variable="t"][data-range="live"] [data-testid="time-chart"][data-alarm-bands="2"]').waitFor();
  await chart.scrollIntoViewIfNeeded();
  await shootBothSizes(admin.page, tempDir(), 'alarm-bands-device-chart');
  assert.deepEqual(admin.errors, []);
});
