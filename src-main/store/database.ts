import Database from 'better-sqlite3-multiple-ciphers';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths';
import { HubError, errorCode, errorMessage } from '../errors';

export type Db = Database.Database;

/**
 * Page cipher, chosen by measurement (bench/store, README): AEGIS-256 is an
 * authenticated cipher, so a flipped byte is detected rather than read back as
 * data, and with AES instructions it keeps pace with an unencrypted file
 * (0.96x plain inserts/s, where AES-256-CBC, unauthenticated, reached 0.78x and
 * ChaCha20-Poly1305 0.70x).
 */
export const pageCipher = 'aegis';

export interface OpenOptions {
  file: string;
  /** 32-byte key; `null` opens an unencrypted file (benchmarks only). */
  key: Buffer | null;
  readonly?: boolean;
  cipher?: string;
  /**
   * Read every page once (PRAGMA quick_check). The schema read below touches
   * only page 1, so a damaged page elsewhere would otherwise surface only when
   * some later query reaches it, long after the hub said it was ready.
   */
  verifyPages?: boolean;
  /**
   * Page cache in MiB (SQLite's default is 2). Every page read from disk is
   * decrypted, so the connection that serves charts keeps more; the others
   * stay small, because a cache only grows, up to its size, as pages are read.
   */
  cacheMiB?: number;
  /**
   * `wal_autocheckpoint`: after a commit leaves more than this many pages in
   * the write-ahead log, that connection copies them into the database file.
   * 0: this connection never does (another one does). SQLite's default is 1,000.
   */
  checkpointPages?: number;
  /**
   * `journal_size_limit`: when this connection starts the write-ahead log over, it cuts the file back to this
   * size. Without it the file keeps its high-water size (SQLite reuses it from the start) until the last
   * connection closes.
   */
  logLimitMiB?: number;
}

/**
 * Opens the database and proves the key fits by reading the schema. SQLite
 * reports a wrong key and a damaged file alike ("file is not a database"); the
 * caller tells them apart with the key check in hub.json.
 */
/** The hub's connections checkpoint at this many log pages (ingest/pipeline/writer-worker.ts says why). */
export const hubCheckpointPages = 10_000;

/**
 * ...and cut the log back to this size when it starts over. Above the 10,000 pages (about 40 MiB) a log reaches
 * between checkpoints during ingest, so steady ingest does not truncate and regrow the file at every checkpoint
 * (a commit that ends far past the threshold, or a reader that held the log from starting over, makes the next
 * start cut it once); a burst that kept the log from starting over (a backup reading a snapshot while devices
 * send) leaves no log of its size behind until the hub stops.
 */
export const hubLogLimitMiB = 64;

export function openDatabase(options: OpenOptions): Db {
  let db: Db;
  try {
    const nativeBinding = electronBinding();
    db = new Database(options.file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
      ...(nativeBinding ? { nativeBinding } : {}),
    });
  } catch (err) {
    throw mapOpenError(err, options.file);
  }
  try {
    if (options.key) {
      if (options.key.length !== 32) throw new Error('database key must be 32 bytes');
      const cipher = options.cipher ?? pageCipher;
      if (!/^[a-z0-9]+$/.test(cipher)) throw new Error('invalid cipher name');
      // PRAGMA values cannot be bound as parameters; both are checked above.
      db.pragma(`cipher='${cipher}'`);
      db.pragma(`hexkey='${options.key.toString('hex')}'`);
    }
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    if (options.verifyPages) {
      const problems = (db.pragma('quick_check(5)') as { quick_check: string }[]).map((r) => r.quick_check).filter((r) => r !== 'ok');
      if (problems.length > 0) throw Object.assign(new Error(problems.join('; ')), { code: 'SQLITE_CORRUPT' });
    }
    db.pragma('busy_timeout = 5000');
    if (options.cacheMiB !== undefined) db.pragma(`cache_size = ${-Math.round(options.cacheMiB * 1024)}`);
    if (options.checkpointPages !== undefined) db.pragma(`wal_autocheckpoint = ${Math.max(0, Math.floor(options.checkpointPages))}`);
    if (options.logLimitMiB !== undefined) db.pragma(`journal_size_limit = ${Math.max(0, Math.round(options.logLimitMiB * 1024 * 1024))}`);
    if (!options.readonly) {
      // Only on a database with no tables yet (a new hub; a restore sets it before its VACUUM): retention returns
      // freed pages with incremental_vacuum. An older file keeps its mode until restored (docs/STEWARDSHIP.md).
      // Asked only when empty: setting it on an existing file writes to it, and a refused database (newer
      // version, wrong key) must be left exactly as it was.
      if (db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get() === 0) db.pragma('auto_vacuum = INCREMENTAL');
      db.pragma('journal_mode = WAL');
      // FULL: a commit that was acknowledged survives power loss, not only a crash.
      db.pragma('synchronous = FULL');
      // Every connection that may delete (main, writer thread, CLI; the reader opens read-only and never deletes):
      // a deleted row's bytes are zeroed in its page and freed pages are zeroed, so an erased person or a purged
      // reading leaves nothing in free space (docs/STEWARDSHIP.md, "Bytes do not linger"). ON, not FAST: FAST
      // leaves freed pages as they were.
      db.pragma('secure_delete = ON');
    }
    db.pragma('foreign_keys = ON');
    return db;
  } catch (err) {
    db.close();
    throw mapOpenError(err, options.file);
  }
}

export function mapOpenError(err: unknown, file: string): HubError {
  if (err instanceof HubError) return err;
  const code = errorCode(err) ?? '';
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT')) {
    return new HubError(
      'DB_CORRUPT',
      `The database ${file} cannot be read: it is damaged, or it is not an Outpost database (${errorMessage(err)}).`,
      'Stop the hub, keep a copy of the data directory, and restore outpost.db from a backup. `outpost doctor` checks the file.',
      { cause: err },
    );
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new HubError(
      'DB_LOCKED',
      `The database ${file} is locked by another process.`,
      'Wait for the other Outpost command to finish, then try again.',
      { cause: err },
    );
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM') {
    return new HubError(
      'DATA_DIR_NOT_WRITABLE',
      `The database ${file} cannot be opened for writing (${errorMessage(err)}).`,
      'Check that the data directory exists and belongs to the user running Outpost.',
      { cause: err },
    );
  }
  return new HubError('DB_CORRUPT', `The database ${file} cannot be opened: ${errorMessage(err)}.`, 'Run `outpost doctor` for details.', {
    cause: err,
  });
}

/** Inside Electron the addon built for Electron's ABI (scripts/electron-native.mjs) is loaded instead. */
function electronBinding(): string | undefined {
  if (!process.versions.electron) return undefined;
  const file = join(packageRoot(), 'node_modules', '.outpost-electron', 'better_sqlite3.node');
  return existsSync(file) ? file : undefined;
}
