import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Hub } from '../../src-main/hub';
import { rpc } from '../access/helpers';
import { launchBrowser } from '../helpers/browser';
import { addUserWithCli, cli, consolePage, signIn } from '../helpers/console-ui';
import { startTestHub } from '../helpers/hub';

/**
 * The console as the desktop window runs it: `window.outpost` is there (the
 * preload's bridge, src-shared/api/transport.ts), so the page must take its
 * live updates from `outpost.live` instead of polling every 10 s. Electron
 * cannot run here, so the bridge is stood in for by a script that keeps the
 * preload's contract and carries it to the real hub; the main-process side
 * (desktop/ipc-live.ts) has its own test against a real hub
 * (test/desktop/ipc-live.test.ts).
 */
const bridge = () => {
  const w = window as unknown as Record<string, unknown>;
  const calls: string[] = [];
  const feeds: string[] = [];
  w.__bridge = { calls, feeds };
  w.outpost = {
    async call(method: string, input: unknown, token: string | null) {
      calls.push(method);
      const response = await fetch(`/api/rpc/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(input ?? {}),
      });
      const body = (await response.json()) as { result?: unknown; code: string; message: string };
      return response.ok ? { ok: true, value: body.result } : { ok: false, error: { code: body.code, message: body.message } };
    },
    live(token: string, onMessage: (message: unknown) => void) {
      feeds.push(token);
      const ws = new WebSocket(`wss://${location.host}/api/live`);
      ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token }));
      ws.onmessage = (e) => onMessage(JSON.parse(String(e.data)));
      ws.onclose = (e) => onMessage({ type: 'closed', code: e.code, reason: e.reason });
      return () => ws.close(1000);
    },
  };
};

function ingest(hub: Hub, deviceLabel: string, value: number) {
  return hub.services.pipeline.ingest({
    principal: { kind: 'internal', orgId: 1, actor: 'test', canCreateDevices: false },
    protocol: 'command',
    deviceLabel,
    dots: [{ variable: 'pressure', value }],
    bytes: 32,
  });
}

test('with the desktop bridge present the console is live through outpost.live (not polling), and a signed-out session ends the page’s session', async () => {
  const hub = await startTestHub();
  const keyFile = ['--key-file', hub.config.keyFile!];
  await addUserWithCli(hub.config.dataDir, 'owner@example.com', 'owner', 'bridge password 1', keyFile);
  await cli(['device', 'add', 'pump-1'], hub.config.dataDir, keyFile);
  hub.services.watcher.check();
  await ingest(hub, 'pump-1', 1.5);
  const browser = await launchBrowser(hub.config.dataDir);
  const { page, errors } = await consolePage(browser);
  await page.addInitScript(bridge);
  const base = `https://localhost:${hub.listeners.console!.port}`;
  await signIn(page, base, 'owner@example.com', 'bridge password 1');
  await page.locator('[data-device="pump-1"] [data-testid="value"]', { hasText: '1.5' }).waitFor();
  await page.locator('[data-testid="live-mode"][data-mode="live"]').waitFor({ timeout: 15_000 });
  const seen = () => page.evaluate(() => (window as unknown as { __bridge: { calls: string[]; feeds: string[] } }).__bridge);
  const before = await seen();
  assert.equal(before.feeds.length, 1, 'one feed, through the bridge');
  await ingest(hub, 'pump-1', 2.75);
  await page.locator('[data-device="pump-1"] [data-testid="value"]', { hasText: '2.75' }).waitFor();
  const after = await seen();
  assert.equal(after.calls.filter((m) => m === 'devices.latest').length, before.calls.filter((m) => m === 'devices.latest').length, 'the value came over the feed, not by asking again');

  // Signed out elsewhere: the feed says SESSION_ENDED and the window goes back to sign-in with the reason.
  assert.equal((await rpc({ url: base, ca: hub.tls.caCertPem }, 'auth.logout', {}, after.feeds[0])).status, 200);
  await page.getByRole('status').filter({ hasText: /session has ended/i }).waitFor({ timeout: 15_000 });
  await page.getByLabel('Email').waitFor();
  assert.deepEqual(errors, []);
});
