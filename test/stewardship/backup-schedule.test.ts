import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { createHub } from '../../src-main/hub';
import { createLogger } from '../../src-main/logging/logger';
import { writeSettingText } from '../../src-main/settings/hub-settings';
import { backupSchedule } from '../../src-main/stewardship/backup-schedule';
import { readBackupHeader } from '../../src-main/store/backup/format';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';

const hour = 3_600_000;

test('scheduled backups: written by the running hub when due (injected clock), the oldest beyond backup-keep removed (hand-made ones never), a missing folder reported in the status and the log with what to do', async () => {
  const dataDir = tempDir();
  const keyFile = `${dataDir}.key`;
  let log = '';
  const destination = new Writable({ write: (chunk: Buffer, _e, done) => ((log += chunk.toString()), done()) });
  const hub = await createHub({ dataDir, keyFile, host: '127.0.0.1', ports: { console: 0, https: null, mqtts: null } }, { logger: createLogger({ level: 'info', destination }) });
  after(() => hub.stop());
  const backups = join(dataDir, 'backups');
  const scheduled = () => readdirSync(backups).filter((f) => f.startsWith('outpost-scheduled-')).sort();

  // Off by default: nothing is written, however late.
  const t0 = Date.now();
  assert.equal(await hub.services.backups.check(t0), null);
  assert.equal(backupSchedule(hub.db, dataDir).nextAt, null);

  // Set from the CLI (a client of the same API: hubSettings.set, hub owner, audited).
  const set = await runCli(['settings', 'set', 'backup-interval-hours', '1', '--data-dir', dataDir, '--key-file', keyFile]);
  assert.equal(set.code, 0, set.stderr);
  writeSettingText(hub.db, 'backup-keep', '2');
  const first = await hub.services.backups.check(t0);
  assert.ok(first?.ok, JSON.stringify(first));
  assert.equal(readBackupHeader(first.file!).manifest.hubId, hub.identity.hubId, 'a real backup, as `outpost backup` writes');
  assert.equal(await hub.services.backups.check(t0 + hour / 2), null, 'not due before the interval');
  mkdirSync(backups, { recursive: true });
  writeFileSync(join(backups, 'outpost-2026-01-01T00-00-00-000Z.backup'), 'made by hand');
  await hub.services.backups.check(t0 + hour);
  await hub.services.backups.check(t0 + 2 * hour);
  const kept = scheduled();
  assert.equal(kept.length, 2, `two kept: ${kept.join(', ')}`);
  assert.ok(!kept.includes(first.file!.split('/').pop()!), 'the oldest went');
  assert.ok(readdirSync(backups).includes('outpost-2026-01-01T00-00-00-000Z.backup'), 'a hand-made backup is never removed');

  // A folder that is not there (an unplugged drive): not created, reported with what to do.
  const usb = join(dataDir, '..', `${dataDir.split('/').pop()}-usb`);
  writeSettingText(hub.db, 'backup-dir', usb);
  const failed = await hub.services.backups.check(t0 + 3 * hour);
  assert.equal(failed?.ok, false);
  assert.equal(failed.code, 'BACKUP_DIR_MISSING');
  assert.match(failed.message!, /does not exist/);
  assert.match(failed.hint!, /outpost settings set backup-dir/);
  const status = backupSchedule(hub.db, dataDir);
  assert.deepEqual(status.last, failed, 'the status (hub.backupSchedule, Hub page) shows the failure');
  assert.equal(status.nextAt, t0 + 4 * hour);
  assert.match(log, /scheduled backup failed.*|BACKUP_DIR_MISSING/);
  assert.match(log, /outpost settings set backup-dir/);
  assert.equal(await hub.services.backups.check(t0 + 3.5 * hour), null, 'the next try is an interval later');

  // The drive is back: the next run succeeds and counts only its own folder's files.
  mkdirSync(usb);
  const back = await hub.services.backups.check(t0 + 4 * hour);
  assert.ok(back?.ok, JSON.stringify(back));
  assert.equal(readdirSync(usb).length, 1);
});
