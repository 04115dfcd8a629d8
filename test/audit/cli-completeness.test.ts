import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ApiMethod } from '../../src-shared/api/contract';
import { createCertificateAuthority } from '../../src-main/security/tls/certificates';
import { commands as cliCommands } from '../../src-main/cli/main';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';

// A file of its own: some thirty CLI processes, each a fresh Node, take minutes on a busy machine.
const password = 'audit completeness passphrase';

/** Every CLI command and subcommand that changes state, with the contract method whose audit row it must leave. */
const cliWrites: { args: string[]; action: ApiMethod; label?: string; input?: string }[] = [
  { args: ['user', 'add', 'owner@example.com', '--role', 'owner', '--password-stdin'], action: 'users.create', label: 'owner@example.com', input: `${password}\n` },
  { args: ['user', 'add', 'tech@example.com', '--role', 'writer'], action: 'users.create', label: 'tech@example.com' },
  { args: ['user', 'invite', 'guest@example.com', '--role', 'reader'], action: 'users.invite', label: 'guest@example.com' },
  { args: ['user', 'disable', 'tech@example.com'], action: 'users.update', label: 'tech@example.com' },
  { args: ['user', 'enable', 'tech@example.com'], action: 'users.update', label: 'tech@example.com' },
  { args: ['user', 'reset-totp', 'tech@example.com'], action: 'users.resetTotp', label: 'tech@example.com' },
  { args: ['user', 'hub-admin', 'tech@example.com', 'on'], action: 'users.setHubAdmin', label: 'tech@example.com' },
  // Erased next: the row keeps its action but loses the label.
  { args: ['user', 'add', 'leaver@example.com', '--role', 'reader'], action: 'users.create' },
  { args: ['user', 'erase', 'leaver@example.com', '--yes'], action: 'users.erase' },
  { args: ['org', 'add', 'customer', '--name', 'Customer'], action: 'orgs.create', label: 'customer' },
  { args: ['device', 'add', 'boiler-1'], action: 'devices.create', label: 'boiler-1' },
  { args: ['device', 'add', 'boiler-2'], action: 'devices.create', label: 'boiler-2' },
  { args: ['device', 'rotate', 'boiler-1'], action: 'devices.rotateToken', label: 'boiler-1' },
  { args: ['device', 'revoke', 'boiler-1'], action: 'devices.revokeTokens', label: 'boiler-1' },
  { args: ['token', 'add', 'gateway', '--devices', 'boiler-1'], action: 'ingestTokens.create', label: 'gateway' },
  { args: ['token', 'revoke', 'gateway'], action: 'ingestTokens.revoke', label: 'gateway' },
  { args: ['group', 'add', 'boilers', '--devices', 'boiler-1'], action: 'groups.create', label: 'boilers' },
  { args: ['group', 'member', 'add', 'boilers', 'tech@example.com'], action: 'groups.update', label: 'boilers' },
  { args: ['app', 'add', 'etl', '--scopes', 'devices:read'], action: 'apps.create', label: 'etl' },
  { args: ['app', 'revoke', 'etl'], action: 'apps.revoke', label: 'etl' },
  { args: ['app', 'add', 'ha', '--scopes', 'readings:read', '--mqtt-subscribe', 'outpost/v1/1/devices/#', '--mqtt-publish', 'outpost/v1/1/devices/+/+/set'], action: 'apps.create', label: 'ha' },
  { args: ['apikey', 'add', 'firmware'], action: 'apiKeys.create', label: 'firmware' },
  { args: ['apikey', 'revoke', 'firmware'], action: 'apiKeys.revoke', label: 'firmware' },
  { args: ['settings', 'set', 'token-in-url', 'off'], action: 'hubSettings.set' },
  { args: ['settings', 'set', 'map-tiles', 'https://tiles.example.org/{z}/{x}/{y}.png', '--attribution', '© Example'], action: 'mapTiles.set' },
  { args: ['site', 'add', 'plant-2'], action: 'sites.create', label: 'plant-2' },
  { args: ['site', 'revoke', 'plant-2'], action: 'sites.revoke', label: 'plant-2' },
  { args: ['command', 'boiler-2', 'setpoint', '19', '--wait', '0'], action: 'commands.send', label: 'boiler-2' },
  { args: ['alarm', 'rule', 'add', 'boiler-hot', '--device', 'boiler-1', '--variable', 't', '--op', '>', '--level', 'major:90'], action: 'alarmRules.create', label: 'boiler-hot' },
  { args: ['alarm', 'rule', 'remove', 'boiler-hot'], action: 'alarmRules.remove', label: 'boiler-hot' },
  { args: ['device', 'remove', 'boiler-2'], action: 'devices.remove', label: 'boiler-2' },
  { args: ['backup', '--to', '{dir}/backups/completeness.backup'], action: 'hub.backup', label: 'completeness.backup' },
  { args: ['key', 'export', '--yes', '--to', '{dir}/completeness.kit'], action: 'hub.exportKey' },
];
/** Commands that only read (or serve): everything else must appear above. */
const readOnlyCommands = new Set(['serve', 'doctor', 'ca', 'readings', 'audit', /* writes only a new data directory */ 'restore']);

test('every CLI command that changes state goes through the API and leaves its audit row, actor cli:<os user>', async () => {
  const covered = new Set([...cliWrites.map((w) => w.args[0]!), 'sync']);
  for (const name of Object.keys(cliCommands)) assert.ok(covered.has(name) || readOnlyCommands.has(name), `CLI command "${name}" is neither listed as read-only nor exercised here`);

  const dataDir = tempDir();
  const keyFile = join(dataDir, '..', `${dataDir.split('/').pop()}.key`);
  const common = ['--data-dir', dataDir, '--key-file', keyFile];
  for (const w of cliWrites) {
    const r = await runCli([...w.args.map((a) => a.replace('{dir}', dataDir)), ...common], w.input === undefined ? {} : { input: w.input });
    assert.equal(r.code, 0, `outpost ${w.args.join(' ')}: ${r.stderr}`);
  }
  const caFile = join(dataDir, 'upstream-ca.pem');
  writeFileSync(caFile, (await createCertificateAuthority('upstream test CA')).certPem);
  const sync = await runCli(['sync', 'set', '--url', 'mqtts://127.0.0.1:1', '--site', 'plant-9', '--username', 'plant-9', '--password-stdin', '--ca', caFile, '--disable', ...common], { input: 'upstream secret\n' });
  assert.equal(sync.code, 0, sync.stderr);

  const list = await runCli(['audit', 'list', '--limit', '1000', '--json', ...common]);
  assert.equal(list.code, 0, list.stderr);
  const rows = (JSON.parse(list.stdout.trim().split('\n').at(-1)!) as { rows: { actor: string; action: string; targetLabel: string | null; outcome: string; detail: Record<string, unknown> }[] }).rows;
  for (const w of [...cliWrites, { action: 'sync.configure' as ApiMethod, label: undefined }]) {
    const row = rows.find((r) => r.action === w.action && r.outcome === 'ok' && (w.label === undefined || r.targetLabel === w.label));
    assert.ok(row, `no audit row for ${w.action}${w.label ? ` (${w.label})` : ''}`);
    assert.match(row.actor, /^cli:[\w.-]+$/, 'the CLI acts as cli:<os user>');
  }
  const command = rows.find((r) => r.action === 'commands.send')!;
  assert.equal(command.detail.variable, 'setpoint');
  assert.equal(command.detail.value, 19);
  assert.ok(!JSON.stringify(rows).includes('upstream secret'));
  const verify = await runCli(['audit', 'verify', ...common]);
  assert.equal(verify.code, 0, verify.stdout);
});
