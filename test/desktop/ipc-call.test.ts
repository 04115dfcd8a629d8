import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handleIpcCall } from '../../src-main/desktop/ipc-call';
import { appOrigin } from '../../src-main/desktop/window-policy';
import { createUser, updateMember } from '../../src-main/access/users';
import { startTestHub } from '../helpers/hub';
import { cliCaller } from '../access/helpers';

const password = 'desktop window passphrase';
const window = { url: `${appOrigin}/index.html#/status`, mainFrame: true };

test('IPC from the desktop window: the window is loopback for IP allowlists, calls go through the gate, other senders are refused before anything runs', async () => {
  const hub = await startTestHub();
  const deps = { registry: hub.registry, gate: hub.services.gate };
  const user = await createUser(hub.services.access, cliCaller(), { email: 'tech@example.com', role: 'writer', password });
  // A user allowed only from this machine (the regression: IPC sign-ins used an address no allowlist can name).
  await updateMember(hub.services.access, cliCaller(), user.id, { allowIps: ['127.0.0.1/32'] });

  const login = await handleIpcCall(deps, window, 'auth.login', { email: 'tech@example.com', password }, null);
  assert.equal(login.ok, true, JSON.stringify(login));
  const token = (login as { value: { token: string } }).value.token;
  const row = hub.db.prepare("SELECT address, outcome FROM audit_log WHERE action = 'auth.login' ORDER BY id DESC LIMIT 1").get() as { address: string; outcome: string };
  assert.deepEqual(row, { address: '127.0.0.1', outcome: 'ok' });

  const devices = await handleIpcCall(deps, window, 'devices.list', {}, token);
  assert.equal(devices.ok, true, JSON.stringify(devices));
  // The gate still decides: a wrong token is refused like over HTTPS.
  const wrong = await handleIpcCall(deps, window, 'devices.list', {}, 'not-a-token');
  assert.equal(wrong.ok, false);
  assert.equal((wrong as { error: { code: string } }).error.code, 'UNAUTHENTICATED');

  // Someone else's content, or an iframe in the window, gets nothing and changes nothing (not even an audit row or a lockout count).
  const before = hub.db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
  for (const sender of [{ url: 'https://evil.example/', mainFrame: true }, { url: window.url, mainFrame: false }, { url: undefined, mainFrame: true }]) {
    for (const [method, input, t] of [['auth.login', { email: 'tech@example.com', password: 'wrong password 1' }, null], ['devices.create', { label: 'planted' }, token]] as const) {
      const answer = await handleIpcCall(deps, sender, method, input, t);
      assert.deepEqual(answer.ok ? null : answer.error.code, 'IPC_SENDER_REFUSED', `${sender.url} ${method}`);
    }
  }
  assert.equal(hub.db.prepare('SELECT count(*) FROM audit_log').pluck().get(), before);
  assert.equal(hub.db.prepare("SELECT count(*) FROM devices WHERE label = 'planted'").pluck().get(), 0);

  // A user limited to another network cannot sign in through the window either: the window is this machine, not a way around the allowlist.
  await updateMember(hub.services.access, cliCaller(), user.id, { allowIps: ['10.0.0.0/8'] });
  const refused = await handleIpcCall(deps, window, 'auth.login', { email: 'tech@example.com', password }, null);
  assert.equal(refused.ok ? null : refused.error.code, 'ADDRESS_NOT_ALLOWED');
});
