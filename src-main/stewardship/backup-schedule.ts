import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import type { backupScheduleSchema } from '../../src-shared/api/areas/stewardship';
import { errorCode, errorMessage } from '../errors';
import type { Logger } from '../logging/logger';
import { backupDirSetting, backupIntervalSetting, backupKeepSetting, readSetting } from '../settings/hub-settings';
import { readSetting as readStored, writeSetting as writeStored } from '../settings/queries/settings';
import type { BackupResult } from '../store/backup/create';
import type { Db } from '../store/database';

export type BackupSchedule = z.infer<typeof backupScheduleSchema>;
type LastRun = NonNullable<BackupSchedule['last']>;

const lastRunKey = 'backup.lastRun';
const hour = 3_600_000;
/** Only files this schedule wrote are ever deleted: a hand-made backup (console, CLI) is never. */
const scheduledPrefix = 'outpost-scheduled-';

export function backupFolder(db: Db, dataDir: string): string {
  return readSetting(db, backupDirSetting) || join(dataDir, 'backups');
}

/** The settings and the last run, from the database alone (the CLI reads them too). */
export function backupSchedule(db: Db, dataDir: string): BackupSchedule {
  const intervalHours = readSetting(db, backupIntervalSetting);
  const stored = readStored(db, lastRunKey) as LastRun | undefined;
  const last = stored && typeof stored.at === 'number' ? stored : null;
  return {
    intervalHours,
    keep: readSetting(db, backupKeepSetting),
    dir: backupFolder(db, dataDir),
    last,
    nextAt: intervalHours === 0 ? null : (last?.at ?? 0) + intervalHours * hour,
  };
}

/** What went wrong with the folder and what to do (HubError's codes are the start-up ones). */
class FolderError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** A folder the hub can write to, or a HubError saying what to do. The default folder is made; a chosen one must exist (an unplugged drive must not fill the system disk). */
function checkFolder(dir: string, isDefault: boolean): void {
  if (isDefault) mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new FolderError('BACKUP_DIR_MISSING', `The backup folder ${dir} does not exist.`, 'Mount or create it, or choose another: outpost settings set backup-dir /path (console: Hub page, "Scheduled backups").');
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new FolderError('BACKUP_DIR_UNWRITABLE', `The hub cannot write to the backup folder ${dir}.`, 'Give the user the hub runs as write access to it, or choose another folder: outpost settings set backup-dir /path.');
  }
}

/** Deletes the oldest scheduled backups beyond `keep`. Names sort by time (ISO time in the name). */
function prune(dir: string, keep: number): string[] {
  const files = readdirSync(dir)
    .filter((f) => f.startsWith(scheduledPrefix) && f.endsWith('.backup'))
    .sort();
  const gone = files.slice(0, Math.max(0, files.length - keep));
  for (const f of gone) rmSync(join(dir, f), { force: true });
  return gone;
}

export interface BackupScheduler {
  /** Runs a backup when one is due at `now` (the timer calls this every minute; tests pass their own time). */
  check(now?: number): Promise<LastRun | null>;
  stop(): void;
}

/**
 * Scheduled backups (docs/STEWARDSHIP.md): every `backup-interval-hours`, the
 * running hub writes a backup with the same code as `outpost backup` into
 * `backup-dir`, then deletes its own oldest beyond `backup-keep`. A failure
 * is logged with what to do and kept as the last run (Hub page); the next
 * try is an interval later.
 */
export function startBackupScheduler(o: {
  db: Db;
  dataDir: string;
  logger: Logger;
  backup: (target: string) => Promise<BackupResult>;
  checkEveryMs?: number;
}): BackupScheduler {
  let running: Promise<LastRun | null> | null = null;
  const run = async (now: number): Promise<LastRun | null> => {
    const s = backupSchedule(o.db, o.dataDir);
    if (s.intervalHours === 0 || s.nextAt === null || now < s.nextAt) return null;
    let last: LastRun;
    try {
      checkFolder(s.dir, !readSetting(o.db, backupDirSetting));
      const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
      const { file } = await o.backup(join(s.dir, `${scheduledPrefix}${stamp}.backup`));
      const removed = prune(s.dir, s.keep);
      last = { at: now, ok: true, file };
      o.logger.info({ file, removed: removed.length }, 'scheduled backup written');
    } catch (err) {
      const given = (err as { hint?: unknown }).hint;
      const hint = typeof given === 'string' ? given : 'Check the folder and the free space; the hub log has details. The next try is one interval later.';
      last = { at: now, ok: false, code: errorCode(err) ?? 'BACKUP_FAILED', message: errorMessage(err).slice(0, 500), hint };
      o.logger.error({ code: last.code, detail: last.message, hint }, 'scheduled backup failed');
    }
    writeStored(o.db, lastRunKey, last, Date.now());
    return last;
  };
  const check = (now = Date.now()) => {
    running ??= run(now).finally(() => (running = null));
    return running;
  };
  const timer = setInterval(() => void check().catch((err: unknown) => o.logger.error({ err }, 'scheduled backup check failed')), o.checkEveryMs ?? 60_000);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
