import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createUser } from '../../src-main/access/users';
import { runCli } from '../helpers/cli';
import { startTestHub } from '../helpers/hub';
import { tempDir } from '../helpers/tmp';
import { cliCaller, rpc } from '../access/helpers';

const password = 'personal data passphrase';

interface Export {
  user: { email: string; hasPassword: boolean; secondFactor: boolean };
  memberships: { org: string; role: string }[];
  sessions: unknown[];
  addressesSeen: { address: string }[];
  auditBy: { action: string }[];
  auditAbout: { action: string; targetLabel: string | null }[];
}

test('personal-data export: the person themself and an owner (console API and CLI), not an admin; audited; no secrets in it', async () => {
  const hub = await startTestHub();
  const base = { url: `https://127.0.0.1:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
  const ctx = hub.services.access;
  await createUser(ctx, cliCaller(1), { email: 'owner@example.com', role: 'owner', password });
  await createUser(ctx, cliCaller(1), { email: 'admin@example.com', role: 'admin', password });
  const reader = await createUser(ctx, cliCaller(1), { email: 'reader@example.com', role: 'reader', password });
  const login = async (email: string) => ((await rpc(base, 'auth.login', { email, password })).body.result as { token: string }).token;
  const readerToken = await login('reader@example.com');
  const ownerToken = await login('owner@example.com');
  assert.equal((await rpc(base, 'users.update', { id: reader.id, role: 'writer' }, ownerToken)).status, 200);
  assert.equal((await rpc(base, 'users.update', { id: reader.id, role: 'reader' }, ownerToken)).status, 200);

  const own = await rpc(base, 'users.exportData', { id: reader.id }, readerToken);
  assert.equal(own.status, 200, JSON.stringify(own.body));
  const data = own.body.result as Export;
  assert.equal(data.user.email, 'reader@example.com');
  assert.equal(data.user.hasPassword, true);
  assert.deepEqual(data.memberships.map((m) => [m.org, m.role]), [['default', 'reader']]);
  assert.ok(data.sessions.length >= 1, 'their sessions');
  assert.ok(data.addressesSeen.some((a) => a.address === '127.0.0.1'), 'the addresses they signed in from');
  assert.ok(data.auditAbout.some((r) => r.action === 'users.update' && r.targetLabel === 'reader@example.com'), 'audit rows about them');
  assert.ok(data.auditBy.some((r) => r.action === 'auth.login'), 'audit rows by them');
  const text = JSON.stringify(own.body);
  assert.ok(!/argon2|\$scrypt|password_hash|passwordHash|totpSecret/.test(text), 'no password hash or second-factor secret');

  const byOwner = await rpc(base, 'users.exportData', { id: reader.id }, ownerToken);
  assert.equal(byOwner.status, 200);
  const byAdmin = await rpc(base, 'users.exportData', { id: reader.id }, await login('admin@example.com'));
  assert.equal(byAdmin.status, 403, 'an admin is not an owner');
  const rows = hub.db.prepare("SELECT actor, outcome, target_label FROM audit_log WHERE action = 'users.exportData' ORDER BY id").all() as { actor: string; outcome: string; target_label: string }[];
  assert.deepEqual(
    rows.map((r) => [r.outcome, r.target_label ?? null]),
    [
      ['ok', 'reader@example.com'],
      ['ok', 'reader@example.com'],
      ['denied', null],
    ],
    'every export and refusal is audited',
  );

  // The CLI, as the hub owner, next to the running hub.
  const out = join(tempDir(), 'reader.json');
  const cli = await runCli(['user', 'export', 'reader@example.com', '--out', out, '--data-dir', hub.config.dataDir, '--key-file', hub.config.keyFile!]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(statSync(out).mode & 0o777, 0o600);
  assert.equal((JSON.parse(readFileSync(out, 'utf8')) as Export).user.email, 'reader@example.com');
  const again = await runCli(['user', 'export', 'reader@example.com', '--out', out, '--data-dir', hub.config.dataDir, '--key-file', hub.config.keyFile!]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /exists already/);
});
