import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { resolveIngestToken } from '../../src-main/access/device-credentials';
import { createUser } from '../../src-main/access/users';
import { addDevice } from '../../src-main/devices/lifecycle';
import { cliCaller } from '../access/helpers';
import { launchBrowser } from '../helpers/browser';
import { consolePage, consoleUrl, signIn } from '../helpers/console-ui';
import { startTestHub } from '../helpers/hub';

const password = 'delivery test passphrase';

test('console Alarms page: an admin sees each notification with its status, attempts and last error; a reader sees no notification section', async () => {
  const hub = await startTestHub();
  hub.services.alarmNotifications.setTiming({ backoffMs: 100, maxAttempts: 2 });
  const server = createServer({ cert: hub.tls.certPem, key: hub.tls.keyPem }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const access = hub.services.access;
  access.setPolicy({ ...access.policy(), webhookHosts: ['127.0.0.1'] });
  await createUser(access, cliCaller(), { email: 'admin@example.com', role: 'admin', password });
  await createUser(access, cliCaller(), { email: 'reader@example.com', role: 'reader', password });
  const call = async (method: string, input: unknown) => {
    const r = await hub.registry.call(method, input, { origin: 'cli', principal: { kind: 'cli', osUser: 'test', orgId: 1 } });
    assert.ok(r.ok, JSON.stringify(r));
    return r.value as { id: number };
  };
  const dev = addDevice(hub.db, { label: 'freezer' });
  const channel = await call('alarmChannels.create', { name: 'pager', kind: 'webhook', url: `https://127.0.0.1:${port}/hook` });
  await call('alarmRules.create', { name: 'warm', spec: { scope: { kind: 'device', deviceId: dev.device.id }, subject: { kind: 'variable', variable: 't' }, op: '>', levels: [{ severity: 'major', value: 0 }], channels: [channel.id] } });
  const token = resolveIngestToken(hub.db, dev.token);
  assert.ok(token.ok);
  await hub.services.pipeline.ingest({ principal: token.principal, protocol: 'mqtt', deviceLabel: 'freezer', dots: [{ variable: 't', value: 5 }], bytes: 10 });
  await hub.services.alarms.flush();

  const url = consoleUrl(`https://127.0.0.1:${hub.listeners.console!.port}`);
  const browser = await launchBrowser(hub.config.dataDir);
  const admin = await consolePage(browser);
  await signIn(admin.page, url, 'admin@example.com', password);
  await admin.page.getByRole('link', { name: 'Alarms' }).click();
  const row = admin.page.locator('[data-testid^="delivery-"][data-status="failed"]');
  await row.waitFor({ timeout: 20_000 });
  const text = await row.innerText();
  assert.match(text, /raised/);
  assert.match(text, /pager/);
  assert.match(text, /HTTP 500/);
  assert.match(text, /\b2\b/, 'two attempts');

  const reader = await consolePage(browser);
  await signIn(reader.page, url, 'reader@example.com', password);
  await reader.page.getByRole('link', { name: 'Alarms' }).click();
  await reader.page.getByRole('heading', { name: 'Alarms' }).waitFor();
  assert.equal(await reader.page.getByRole('heading', { name: 'Notifications' }).count(), 0);
  assert.deepEqual([...admin.errors, ...reader.errors], []);
  server.close();
});
