import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import WebSocket from 'ws';
import type { LiveServerMessage } from '../../src-shared/api/live';
import type { Hub } from '../../src-main/hub';
import { rpc } from '../access/helpers';
import { launchBrowser } from '../helpers/browser';
import { addUserWithCli, cli, consolePage, screenshotPath, signIn } from '../helpers/console-ui';
import { startTestHub } from '../helpers/hub';

/**
 * The live channel on a real hub in this process: readings go in through the
 * real pipeline (no network ingest listener is on main yet), come out of the
 * console's WebSocket after their commit, and reach Chromium or a `ws` client.
 */
function ingest(hub: Hub, deviceLabel: string, variable: string, value: number) {
  return hub.services.pipeline!.ingest({
    principal: { kind: 'internal', orgId: 1, actor: 'test', canCreateDevices: false },
    protocol: 'command',
    deviceLabel,
    dots: [{ variable, value }],
    bytes: 32,
  });
}

function consoleBase(hub: Hub) {
  return { url: `https://localhost:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
}

async function login(hub: Hub, email: string, password: string): Promise<string> {
  const r = await rpc(consoleBase(hub), 'auth.login', { email, password });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body.result as { token: string }).token;
}

/** A live socket with its messages queued, so none is missed between awaits. */
async function openLive(hub: Hub, firstMessage: string) {
  const ws = new WebSocket(`wss://localhost:${hub.listeners.console!.port}/api/live`, { ca: hub.tls.caCertPem });
  const messages: LiveServerMessage[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as LiveServerMessage);
    for (const w of waiters.splice(0)) w();
  });
  const closed = once(ws, 'close').then(([code, reason]) => ({ code: code as number, reason: String(reason) }));
  await once(ws, 'open');
  ws.send(firstMessage);
  return {
    ws,
    closed,
    messages,
    async next(type: LiveServerMessage['type']): Promise<LiveServerMessage> {
      for (;;) {
        const i = messages.findIndex((m) => m.type === type);
        if (i >= 0) return messages.splice(i, 1)[0]!;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

test('live channel', async (t) => {
  const hub = await startTestHub();
  const dataDir = hub.config.dataDir;
  const keyFile = ['--key-file', hub.config.keyFile!];
  await addUserWithCli(dataDir, 'owner@example.com', 'owner', 'owner password 1', keyFile);
  await addUserWithCli(dataDir, 'tech@example.com', 'reader', 'reader password 1', keyFile);
  await cli(['device', 'add', 'pump-1', '--name', 'Pump 1'], dataDir, keyFile);
  await cli(['device', 'add', 'boiler-7', '--name', 'Boiler 7'], dataDir, keyFile);
  await cli(['group', 'add', 'site-a', '--devices', 'pump-1'], dataDir, keyFile);
  await cli(['group', 'member', 'add', 'site-a', 'tech@example.com'], dataDir, keyFile);
  hub.services.watcher!.check();

  await t.test('the dashboard shows the last value and updates when a reading is committed, over the socket', async () => {
    await ingest(hub, 'pump-1', 'pressure', 3.5);
    const browser = await launchBrowser(dataDir);
    const { page, errors } = await consolePage(browser);
    const latestCalls: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/rpc/devices.latest')) latestCalls.push(r.url());
    });
    await signIn(page, `https://localhost:${hub.listeners.console!.port}`, 'owner@example.com', 'owner password 1');
    const pressure = page.locator('[data-device="pump-1"] tr[data-variable="pressure"] [data-testid="value"]');
    await pressure.waitFor();
    assert.equal(await pressure.innerText(), '3.5');
    await page.locator('[data-testid="live-mode"][data-mode="live"]').waitFor();
    const callsBefore = latestCalls.length;
    await ingest(hub, 'pump-1', 'pressure', 4.25);
    await page.locator('[data-device="pump-1"] tr[data-variable="pressure"] [data-testid="value"]', { hasText: '4.25' }).waitFor();
    await ingest(hub, 'pump-1', 'temperature', 61);
    await page.locator('[data-device="pump-1"] tr[data-variable="temperature"] [data-testid="value"]', { hasText: '61' }).waitFor();
    assert.equal(latestCalls.length, callsBefore, 'the new values came over the live channel, not by polling');
    assert.match(await page.locator('[data-device="pump-1"] [data-testid="freshness"]').innerText(), /Online/);
    assert.match(await page.locator('[data-device="boiler-7"] [data-testid="freshness"]').innerText(), /Never seen/);
    await page.screenshot({ path: screenshotPath(dataDir, 'dashboard-live') });
    await page.locator('[data-device="pump-1"] h2 a').click();
    await page.getByTestId('events-table').waitFor();
    await ingest(hub, 'pump-1', 'pressure', 5.75);
    await page.getByTestId('events-table').getByText('5.75').waitFor();
    await page.screenshot({ path: screenshotPath(dataDir, 'device-detail') });
    assert.deepEqual(errors, []);
  });

  await t.test('when the socket is refused the dashboard says so and keeps up by polling', async () => {
    const browser = await launchBrowser(dataDir);
    const { page, errors } = await consolePage(browser);
    // A proxy that drops WebSocket upgrades, as some site networks have.
    await page.routeWebSocket(/\/api\/live$/, (ws) => ws.close({ code: 1011, reason: 'blocked' }));
    await signIn(page, `https://localhost:${hub.listeners.console!.port}`, 'owner@example.com', 'owner password 1');
    await page.locator('[data-testid="live-mode"][data-mode="polling"]').waitFor();
    // The first load is done before the reading exists: only a later poll can bring it.
    await page.locator('[data-device="boiler-7"]').waitFor();
    assert.equal(await page.locator('[data-device="boiler-7"] tr[data-variable="temperature"]').count(), 0);
    await ingest(hub, 'boiler-7', 'temperature', 77.5);
    await page.locator('[data-device="boiler-7"] tr[data-variable="temperature"] [data-testid="value"]', { hasText: '77.5' }).waitFor({ timeout: 20_000 });
    assert.match(await page.getByTestId('live-mode').innerText(), /Refreshing every 10 s/);
    await page.screenshot({ path: screenshotPath(dataDir, 'dashboard-polling') });
    assert.deepEqual(errors.filter((e) => !e.includes('WebSocket')), []);
  });

  await t.test('a reader\'s socket carries only the devices of their groups', async () => {
    const token = await login(hub, 'tech@example.com', 'reader password 1');
    const live = await openLive(hub, JSON.stringify({ type: 'auth', token }));
    const ready = await live.next('ready');
    assert.equal(ready.type === 'ready' && ready.deviceIds.length, 1);
    await ingest(hub, 'boiler-7', 'temperature', 90);
    await ingest(hub, 'pump-1', 'pressure', 2);
    const got = await live.next('readings');
    assert.deepEqual(got.type === 'readings' && got.readings.map((r) => [r.device, r.variable, r.value]), [['pump-1', 'pressure', 2]]);
    assert.equal(live.messages.length, 0, 'nothing about boiler-7 was sent');
    live.ws.close();
  });

  await t.test('a bad first message or a bad token closes the socket with the reason', async () => {
    const garbage = await openLive(hub, 'hello');
    assert.deepEqual(await garbage.next('error'), { type: 'error', code: 'INVALID_INPUT', message: 'The first message must be {"type":"auth","token":"…"}.' });
    assert.equal((await garbage.closed).code, 4400);
    const forged = await openLive(hub, JSON.stringify({ type: 'auth', token: `ops_${'A'.repeat(43)}` }));
    const error = await forged.next('error');
    assert.equal(error.type === 'error' && error.code, 'UNAUTHENTICATED');
    assert.equal((await forged.closed).code, 4401);
  });

  await t.test('signing out closes the socket of that session', async () => {
    const token = await login(hub, 'owner@example.com', 'owner password 1');
    const live = await openLive(hub, JSON.stringify({ type: 'auth', token }));
    await live.next('ready');
    assert.equal((await rpc(consoleBase(hub), 'auth.logout', {}, token)).status, 200);
    const ended = await live.next('error');
    assert.equal(ended.type === 'error' && ended.code, 'SESSION_ENDED');
    assert.equal((await live.closed).code, 4440);
  });

  await t.test('other upgrade paths are refused', async () => {
    const ws = new WebSocket(`wss://localhost:${hub.listeners.console!.port}/api/other`, { ca: hub.tls.caCertPem });
    const [err] = (await once(ws, 'error')) as [Error];
    assert.match(err.message, /404/);
  });
});
