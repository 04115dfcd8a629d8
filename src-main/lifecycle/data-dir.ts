import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HubError, errorCode, errorMessage } from '../errors';

export const databaseFileName = 'outpost.db';

export function databasePath(dataDir: string): string {
  return join(dataDir, databaseFileName);
}

/** Creates the data directory (owner-only) and proves it is writable. */
export function prepareDataDir(dataDir: string): string {
  const dir = resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const probe = join(dir, `.write-probe-${process.pid}`);
    writeFileSync(probe, 'ok');
    unlinkSync(probe);
  } catch (err) {
    throw new HubError(
      'DATA_DIR_NOT_WRITABLE',
      `The data directory ${dir} is not writable (${errorCode(err) ?? errorMessage(err)}).`,
      'Choose another --data-dir, or give the user running Outpost write access to this one.',
      { cause: err },
    );
  }
  return dir;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) === 'EPERM';
  }
}

/**
 * One serving hub per data directory: two would both think they own the
 * listeners and the sync outbox. A lock left by a crashed hub is taken over.
 */
export function acquireServeLock(dataDir: string): () => void {
  const file = join(dataDir, 'serve.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(file, 'utf8') === String(process.pid)) unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if (errorCode(err) !== 'EEXIST') throw err;
      const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(pid) && pid !== process.pid && processAlive(pid)) {
        throw new HubError(
          'HUB_ALREADY_RUNNING',
          `Another Outpost hub (process ${pid}) is already serving the data directory ${dataDir}.`,
          'Stop that hub first, or use another --data-dir. CLI commands such as `outpost device list` work while it runs.',
        );
      }
      unlinkSync(file);
    }
  }
  throw new HubError('HUB_ALREADY_RUNNING', `Cannot take the lock ${file}.`, 'Remove the file if no Outpost hub is running.');
}
