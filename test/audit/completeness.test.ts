import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiContract, type ApiMethod } from '../../src-shared/api/contract';
import { mintAccessToken } from '../../src-main/access/api-keys';
import { totp } from '../../src-main/access/totp';
import { createUser } from '../../src-main/access/users';
import { addDevice } from '../../src-main/devices/lifecycle';
import { base32Decode } from '../helpers/base32';
import { startTestHub } from '../helpers/hub';
import { cliCaller, rpc } from '../access/helpers';
import { raiseAlarm } from '../../src-main/alarms/queries/alarms';

const password = 'audit completeness passphrase';

interface AuditRow {
  actor: string;
  action: string;
  target: string;
  target_label: string | null;
  org_id: number | null;
  outcome: string;
  detail: string;
}

const writeMethods = (Object.keys(apiContract) as ApiMethod[]).filter((m) => (apiContract[m] as { kind?: string }).kind === 'write').sort();

test('every contract write method, called over HTTPS, leaves its audit row: actor, action, target with its label, outcome', async () => {
  const hub = await startTestHub();
  const ctx = hub.services.access;
  const base = { url: `https://127.0.0.1:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
  const cli = cliCaller(1);
  // The first owner comes from the setup code the fresh hub made, as a new installation's would.
  assert.ok(hub.setupCode, 'a hub without accounts makes a setup code');
  const setup = await rpc(base, 'auth.setupOwner', { code: hub.setupCode, email: 'owner@example.com', password }, undefined);
  assert.equal(setup.status, 200, JSON.stringify(setup.body));
  await createUser(ctx, cli, { email: 'second@example.com', role: 'owner', password });
  const target = await createUser(ctx, cli, { email: 'target@example.com', role: 'reader', password });
  const gone = await createUser(ctx, cli, { email: 'gone@example.com', role: 'reader', password });
  const device = addDevice(hub.db, { label: 'boiler-7' }).device;
  const spare = addDevice(hub.db, { label: 'spare-1' }).device;
  const login = async (email: string) => ((await rpc(base, 'auth.login', { email, password })).body.result as { token: string; user: { id: number } });
  const owner = await login('owner@example.com');
  const second = await login('second@example.com');
  const call = async (method: ApiMethod, input: unknown, token: string | undefined = owner.token) => {
    const answer = await rpc(base, method, input, token);
    assert.ok(answer.status < 300, `${method}: ${answer.status} ${answer.body.code}: ${answer.body.message}`);
    return answer.body.result as Record<string, unknown>;
  };

  const done = new Map<ApiMethod, { actor: string; label: string | null; outcome?: 'denied' }>();
  const as = (method: ApiMethod, label: string | null, actor = `user:${owner.user.id}`) => done.set(method, { actor, label });

  const invited = (await call('users.invite', { email: 'new@example.com', role: 'reader' })) as { code: string; invitation: { id: number } };
  as('users.invite', 'new@example.com');
  const accepted = await call('auth.acceptInvite', { code: invited.code, email: 'new@example.com', password, name: 'New' }, undefined);
  assert.equal(accepted.newAccount, true);
  done.set('auth.acceptInvite', { actor: 'user:', label: 'new@example.com' });
  done.set('auth.setupOwner', { actor: `user:${owner.user.id}`, label: 'owner@example.com' });
  const withdrawn = (await call('users.invite', { email: 'later@example.com', role: 'reader' })) as { invitation: { id: number } };
  await call('invitations.revoke', { id: withdrawn.invitation.id });
  as('invitations.revoke', 'later@example.com');
  await call('users.create', { email: 'direct@example.com', role: 'writer', password });
  as('users.create', 'direct@example.com');
  await call('users.update', { id: target.id, role: 'writer' });
  as('users.update', 'target@example.com');
  await call('users.resetTotp', { id: target.id });
  as('users.resetTotp', 'target@example.com');
  await call('users.setHubAdmin', { id: target.id, hubAdmin: false });
  as('users.setHubAdmin', 'target@example.com');
  await call('users.remove', { id: gone.id });
  as('users.remove', 'gone@example.com');
  const erased = await createUser(ctx, cli, { email: 'erased@example.com', role: 'reader', password });
  await call('users.erase', { id: erased.id });
  as('users.erase', null);
  const group = (await call('groups.create', { name: 'boilers', deviceIds: [device.id] })) as { id: number };
  as('groups.create', 'boilers');
  await call('groups.update', { id: group.id, memberIds: [target.id] });
  as('groups.update', 'boilers');
  await call('groups.remove', { id: group.id });
  as('groups.remove', 'boilers');
  await call('apps.create', { name: 'etl', scopes: ['devices:read'] });
  as('apps.create', 'etl');
  await call('apps.revoke', { name: 'etl' });
  as('apps.revoke', 'etl');
  await call('apiKeys.create', { name: 'firmware' });
  as('apiKeys.create', 'firmware');
  const minted = await rpc(base, 'apiKeys.create', { name: 'firmware-2' }, owner.token);
  const token = await mintAccessToken(ctx, (minted.body.result as { key: string }).key, '127.0.0.1');
  await call('accessTokens.revoke', { jti: token.jti });
  as('accessTokens.revoke', 'firmware-2');
  await call('apiKeys.revoke', { name: 'firmware' });
  as('apiKeys.revoke', 'firmware');
  await call('settings.update', { sessionAbsoluteHours: 100 });
  as('settings.update', null);
  await call('hubSettings.set', { name: 'token-in-url', value: 'off' });
  as('hubSettings.set', null);
  await call('mapTiles.set', { url: 'https://tiles.example.org/{z}/{x}/{y}.png', attribution: '© Example' });
  as('mapTiles.set', null);
  await call('orgs.create', { slug: 'customer', name: 'Customer' });
  as('orgs.create', 'customer');
  const created = (await call('devices.create', { label: 'new-device' })) as { device: { id: number } };
  as('devices.create', 'new-device');
  await call('devices.update', { deviceId: created.device.id, name: 'New device', type: 'sensor' });
  as('devices.update', 'new-device');
  await call('devices.setThresholds', { deviceId: created.device.id, thresholds: { staleAfterS: 120, offlineAfterS: 900 } });
  as('devices.setThresholds', 'new-device');
  await call('devices.rotateToken', { deviceId: created.device.id });
  as('devices.rotateToken', 'new-device');
  await call('devices.revokeTokens', { deviceId: created.device.id });
  as('devices.revokeTokens', 'new-device');
  await call('devices.remove', { deviceId: spare.id });
  as('devices.remove', 'spare-1');
  await call('commands.send', { deviceId: device.id, variable: 'setpoint', value: 21.5, waitMs: 0 });
  as('commands.send', 'boiler-7');
  hub.db.prepare("INSERT INTO variables (device_id, label, created_at) VALUES (?, 'temperature', 0)").run(device.id);
  await call('variables.setUnit', { deviceId: device.id, variable: 'temperature', unit: '°C' });
  as('variables.setUnit', 'boiler-7');
  const board = (await call('dashboards.create', { name: 'Boiler room' })) as { id: number; revision: number };
  as('dashboards.create', 'Boiler room');
  await call('dashboards.update', { dashboardId: board.id, revision: board.revision, name: 'Boiler house' });
  as('dashboards.update', 'Boiler room');
  await call('dashboards.delete', { dashboardId: board.id });
  as('dashboards.delete', 'Boiler house');
  // An export is not a write, but who took which readings out is audited too.
  assert.equal((await rpc(base, 'users.exportData', { id: target.id }, owner.token)).status, 200);
  const exported = await rpc(base, 'readings.export', { deviceId: device.id, variables: ['temperature'], from: 0, to: Date.now(), format: 'csv' }, owner.token);
  assert.equal(exported.status, 200);
  await call('ingestTokens.create', { name: 'gateway', deviceLabels: ['boiler-7'] });
  as('ingestTokens.create', 'gateway');
  await call('ingestTokens.revoke', { name: 'gateway' });
  as('ingestTokens.revoke', 'gateway');
  await call('sites.create', { siteId: 'plant-2' });
  as('sites.create', 'plant-2');
  await call('sites.revoke', { siteId: 'plant-2' });
  as('sites.revoke', 'plant-2');
  await call('sync.configure', { url: 'mqtts://127.0.0.1:1', siteId: 'plant-9', username: 'plant-9', caPem: hub.tls.caCertPem, password: 'upstream secret', enabled: false });
  as('sync.configure', null);

  const rule = (await call('alarmRules.create', {
    name: 'Boiler hot',
    spec: { scope: { kind: 'device', deviceId: device.id }, subject: { kind: 'variable', variable: 'temperature' }, op: '>', levels: [{ severity: 'major', value: 90 }] },
  })) as { id: number };
  as('alarmRules.create', 'Boiler hot');
  await call('alarmRules.update', { ruleId: rule.id, name: 'Boiler too hot' });
  as('alarmRules.update', 'Boiler too hot');
  const alarmId = raiseAlarm(hub.db, { orgId: 1, ruleId: rule.id, ruleName: 'Boiler too hot', deviceId: device.id, variable: 'temperature', severity: 'major', at: Date.now(), value: 95 });
  await call('alarms.ack', { alarmId, comment: 'on my way' });
  as('alarms.ack', 'Boiler too hot on boiler-7');
  await call('alarms.snooze', { alarmId, until: Date.now() + 60_000 });
  as('alarms.snooze', 'Boiler too hot on boiler-7');
  await call('alarms.clear', { alarmId });
  as('alarms.clear', 'Boiler too hot on boiler-7');
  await call('alarmRules.remove', { ruleId: rule.id });
  as('alarmRules.remove', 'Boiler too hot');
  ctx.setPolicy({ ...ctx.policy(), webhookHosts: ['hooks.example.com'] });
  const channel = (await call('alarmChannels.create', { name: 'On call', kind: 'webhook', url: 'https://hooks.example.com/x' })) as { id: number; secret: string };
  as('alarmChannels.create', 'On call');
  await call('alarmChannels.remove', { channelId: channel.id });
  as('alarmChannels.remove', 'On call');
  const auditText = JSON.stringify(hub.db.prepare('SELECT * FROM audit_log').all());
  assert.ok(!auditText.includes(channel.secret), 'the webhook secret is not in the audit log');

  // Second factor: enrol (password again), confirm, switch off; the second owner does it.
  const enrol = (await call('auth.totpSetup', { password }, second.token)) as { secret: string };
  as('auth.totpSetup', 'second@example.com', `user:${second.user.id}`);
  const secret = base32Decode(enrol.secret);
  await call('auth.totpConfirm', { code: totp(secret, Date.now() / 1000 - 30) }, second.token);
  as('auth.totpConfirm', 'second@example.com', `user:${second.user.id}`);
  await call('auth.totpDisable', { password, code: totp(secret, Date.now() / 1000 + 30) }, second.token);
  as('auth.totpDisable', 'second@example.com', `user:${second.user.id}`);
  await call('retention.update', { rawDays: 30 });
  as('retention.update', null);
  const backup = (await call('hub.backup', {})) as { file: string };
  as('hub.backup', backup.file.split('/').pop()!);
  // The console's hub holds no master key to hand out: the refusal is audited too (the CLI's export, below, succeeds).
  assert.equal((await rpc(base, 'hub.exportKey', { confirm: true }, owner.token)).body.code, 'KEY_EXPORT_CLI_ONLY');
  done.set('hub.exportKey', { actor: `user:${owner.user.id}`, label: null, outcome: 'denied' });
  await call('auth.logoutEverywhere', {}, second.token);
  done.set('auth.logoutEverywhere', { actor: `user:${second.user.id}`, label: null });
  await call('auth.logout', {}, owner.token);
  done.set('auth.logout', { actor: `user:${owner.user.id}`, label: null });

  assert.deepEqual([...done.keys()].sort(), writeMethods, 'every write method of the contract was performed');
  const rows = hub.db.prepare('SELECT actor, action, target, target_label, org_id, outcome, detail FROM audit_log ORDER BY id').all() as AuditRow[];
  for (const [method, want] of done) {
    const row = rows.find((r) => r.action === method && r.outcome === (want.outcome ?? 'ok') && r.actor.startsWith(want.actor));
    assert.ok(row, `no audit row for ${method} by ${want.actor}`);
    if (want.label) assert.equal(row.target_label, want.label, `${method} names its target by label`);
  }
  const exportRow = rows.find((r) => r.action === 'readings.export');
  assert.ok(exportRow, 'the export left its audit row');
  assert.equal(exportRow.target_label, 'boiler-7');
  assert.equal(exportRow.outcome, 'ok');
  const personalRow = rows.find((r) => r.action === 'users.exportData');
  assert.ok(personalRow, 'a personal-data export left its audit row');
  assert.equal(personalRow.target_label, 'target@example.com');
  const erasure = rows.find((r) => r.action === 'users.erase')!;
  assert.deepEqual([erasure.target, erasure.target_label], [`user:${erased.id}`, null], 'an erasure names the person by id only');
  assert.ok(!rows.some((r) => `${r.target_label} ${r.detail}`.includes('erased@example.com')), 'and their email is gone from every row');
  const command = rows.find((r) => r.action === 'commands.send')!;
  assert.deepEqual({ ...JSON.parse(command.detail) }, { ...JSON.parse(command.detail), variable: 'setpoint', value: 21.5 }, 'command rows include the variable and value');
  const sync = rows.find((r) => r.action === 'sync.configure')!;
  assert.ok(!sync.detail.includes('upstream secret'), 'no password in the audit row');
  assert.equal(sync.org_id, null, 'hub-wide changes belong to no organisation');
  assert.equal(((await rpc(base, 'audit.verify', {}, second.token)).status), 401, 'signed out everywhere');
  const verify = await rpc(base, 'audit.verify', {}, (await login('owner@example.com')).token);
  assert.equal((verify.body.result as { ok: boolean }).ok, true, 'and the chain verifies after all of it');
});
