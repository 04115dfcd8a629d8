import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { addDevice } from '../../src-main/devices/lifecycle';
import type { AlarmChannel } from '../../src-shared/api/areas/alarm-channels';
import { allowHosts } from '../helpers/alarms';
import { runCli } from '../helpers/cli';
import { startTestHub } from '../helpers/hub';
import { tempDir } from '../helpers/tmp';

test('outpost alarm channel add|list|remove and rule add --channel --quiet-hours go through the API next to a running hub, audited as cli:<user>; the SMTP password is read from stdin only', async () => {
  const dataDir = tempDir();
  const hub = await startTestHub({ dataDir });
  allowHosts(hub, ['hooks.example.com', 'mail.example.com:587']);
  addDevice(hub.db, { label: 'freezer' });
  const common = ['--data-dir', dataDir, '--key-file', join(dataDir, '..', `${dataDir.split('/').pop()}.key`)];
  const password = 'cli-smtp-secret-81c2';

  const hook = await runCli(['alarm', 'channel', 'add', 'pager', '--url', 'https://hooks.example.com/outpost', ...common]);
  assert.equal(hook.code, 0, hook.stderr);
  assert.match(hook.stdout, /Channel "pager" .*webhook https:\/\/hooks\.example\.com\/outpost/);
  assert.match(hook.stdout, /^whsec_[A-Za-z0-9_-]{43}$/m, 'the signing secret is printed once');
  const mail = await runCli(
    ['alarm', 'channel', 'add', 'duty mail', '--smtp-host', 'mail.example.com', '--smtp-port', '587', '--security', 'starttls', '--from', 'hub@example.com', '--to', 'a@example.com', '--to', 'b@example.com', '--username', 'hub', '--password-stdin', ...common],
    { input: `${password}\n` },
  );
  assert.equal(mail.code, 0, mail.stderr);
  assert.ok(!mail.stdout.includes(password) && !mail.stderr.includes(password));

  const refused = await runCli(['alarm', 'channel', 'add', 'elsewhere', '--url', 'https://evil.example.net/x', ...common]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /allowlist/);
  const noTls = await runCli(['alarm', 'channel', 'add', 'x', '--smtp-host', 'mail.example.com', '--smtp-port', '25', '--security', 'none', '--from', 'a@example.com', '--to', 'b@example.com', ...common]);
  assert.notEqual(noTls.code, 0);
  assert.match(noTls.stderr, /no plain-text mode/);

  const list = await runCli(['alarm', 'channel', 'list', '--json', ...common]);
  assert.equal(list.code, 0, list.stderr);
  const channels = (JSON.parse(list.stdout.trim().split('\n').at(-1)!) as { channels: AlarmChannel[] }).channels;
  assert.deepEqual(channels.map((c) => [c.name, c.kind]), [['duty mail', 'email'], ['pager', 'webhook']]);
  assert.ok(!list.stdout.includes(password) && !list.stdout.includes('whsec_'), 'the list never shows a secret');
  const text = await runCli(['alarm', 'channel', 'list', ...common]);
  assert.match(text.stdout, /duty mail +email mail\.example\.com:587 starttls to a@example\.com, b@example\.com as hub/);

  const rule = await runCli(['alarm', 'rule', 'add', 'warm', '--device', 'freezer', '--variable', 't', '--op', '>', '--level', 'major:-10', '--channel', 'pager', '--channel', 'duty mail', '--quiet-hours', '22:00-07:00', ...common]);
  assert.equal(rule.code, 0, rule.stderr);
  const spec = JSON.parse(hub.db.prepare("SELECT spec FROM alarm_rules WHERE name = 'warm'").pluck().get() as string) as { channels: number[]; quietHours: unknown };
  assert.deepEqual(spec.channels.sort(), channels.map((c) => c.id).sort());
  assert.deepEqual(spec.quietHours, { from: '22:00', to: '07:00' });
  const unknown = await runCli(['alarm', 'rule', 'add', 'other', '--device', 'freezer', '--variable', 't', '--op', '>', '--level', 'major:1', '--channel', 'nobody', ...common]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no notification channel "nobody"/);

  const removed = await runCli(['alarm', 'channel', 'remove', 'pager', ...common]);
  assert.equal(removed.code, 0, removed.stderr);
  const audit = hub.db.prepare("SELECT action, actor, target_label AS label, outcome, detail FROM audit_log WHERE action LIKE 'alarmChannels.%' ORDER BY id").all() as Array<{ action: string; actor: string; label: string | null; outcome: string; detail: string }>;
  assert.deepEqual(audit.map((a) => [a.action, a.label, a.outcome === 'ok' ? 'ok' : 'refused']), [
    ['alarmChannels.create', 'pager', 'ok'],
    ['alarmChannels.create', 'duty mail', 'ok'],
    ['alarmChannels.create', null, 'refused'],
    ['alarmChannels.remove', 'pager', 'ok'],
  ]);
  for (const a of audit) {
    assert.match(a.actor, /^cli:/);
    assert.ok(!(a.detail ?? '').includes(password));
  }
});
