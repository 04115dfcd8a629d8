import { timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HubError, errorCode } from '../../errors';
import { databaseFileName } from '../../lifecycle/data-dir';
import { deriveKey, keyCheckValue } from '../../security/derive';
import { writeIdentity, type HubIdentity } from '../../security/hub-identity';
import { keychainAccount, readKeyFile } from '../../security/master-key';
import type { SecretStore } from '../../security/secret-store';
import { openDatabase } from '../database';
import { latestVersion, migrate } from '../migrations';
import { sha256Of } from './create';
import { backupInvalid, manifestMacValid, tlsFileNames, readBackupHeader, type BackupManifest } from './format';
import { rowCountsOf } from './snapshot';

export interface RestoreOptions {
  file: string;
  dataDir: string;
  /** The emergency kit (`outpost key export`): restore without the keychain; the new directory then starts with `--key-file` this file. */
  keyFile?: string | undefined;
  secretStore: SecretStore;
}

export interface RestoreResult {
  dataDir: string;
  hubId: string;
  keySource: HubIdentity['keySource'];
  schemaVersion: { backup: number; restored: number };
  rowCounts: Record<string, number>;
}

/**
 * Restores a backup into a new data directory. Every check runs before the
 * directory appears: the header and manifest, the schema version, the key, the
 * snapshot's length and SHA-256, the page check and the row counts; the
 * snapshot is migrated in a staging directory beside the target and renamed
 * into place only when all passed. Any refusal leaves nothing behind.
 */
export async function restoreBackup(o: RestoreOptions): Promise<RestoreResult> {
  const target = resolve(o.dataDir);
  if (!existsSync(o.file)) throw new HubError('BACKUP_INVALID', `There is no backup file ${o.file}.`, 'Check the path. Nothing has been changed.');
  const { manifest, offset } = readBackupHeader(o.file);
  checkTarget(target);
  if (manifest.schemaVersion > latestVersion) {
    throw new HubError(
      'DB_NEWER_VERSION',
      `The backup was made by a newer Outpost (schema ${manifest.schemaVersion}; this version knows up to ${latestVersion}).`,
      'Restore it with that Outpost version or newer. Nothing has been changed.',
    );
  }
  const key = await backupKey(manifest, o);
  try {
    if (!manifestMacValid(manifest, deriveKey(key, manifest.hubId, 'backup-manifest'))) throw backupInvalid(o.file, 'the manifest was changed after the backup was made');
    const size = statSync(o.file).size;
    if (size !== offset + manifest.database.bytes) {
      throw backupInvalid(o.file, `it holds ${size - offset} bytes of database where the manifest says ${manifest.database.bytes} (${size < offset + manifest.database.bytes ? 'the file is truncated' : 'something was appended'})`);
    }

    const parent = dirname(target);
    mkdirSync(parent, { recursive: true, mode: 0o700 });
    const staging = mkdtempSync(join(parent, `.${basename(target)}.restore-`));
    try {
      const dbFile = join(staging, databaseFileName);
      await pipeline(createReadStream(o.file, { start: offset }), createWriteStream(dbFile, { mode: 0o600 }));
      if ((await sha256Of(dbFile)) !== manifest.database.sha256) throw backupInvalid(o.file, 'the database in it does not match its SHA-256 (the file is damaged)');
      const restored = verifyAndMigrate(dbFile, key, manifest, o.file);
      mkdirSync(join(staging, 'tls'), { mode: 0o700 });
      for (const name of tlsFileNames.filter((n) => manifest.tls[n] !== undefined)) writeFileSync(join(staging, 'tls', name), Buffer.from(manifest.tls[name]!, 'base64'), { mode: name.endsWith('.crt') ? 0o644 : 0o600 });
      const keySource = o.keyFile ? 'key-file' : 'keychain';
      writeIdentity(staging, { format: 1, hubId: manifest.hubId, createdAt: new Date().toISOString(), keySource, keyCheck: manifest.keyCheck });
      checkTarget(target);
      if (existsSync(target)) rmdirSync(target);
      renameSync(staging, target);
      return { dataDir: target, hubId: manifest.hubId, keySource, schemaVersion: { backup: manifest.schemaVersion, restored: restored.version }, rowCounts: restored.rowCounts };
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      throw err;
    }
  } finally {
    key.fill(0);
  }
}

/** A restore goes only into a new or empty directory: never over a hub's data, never into one in use. */
function checkTarget(target: string): void {
  if (!existsSync(target)) return;
  const used = () => new HubError('RESTORE_TARGET_IN_USE', `${target} is not empty; a restore never overwrites a data directory.`, 'Restore into a new directory (--data-dir), then start the hub on it. Nothing has been changed.');
  let entries: string[];
  try {
    entries = readdirSync(target);
  } catch (err) {
    if (errorCode(err) === 'ENOTDIR') throw used();
    throw err;
  }
  if (entries.length > 0) throw used();
}

async function backupKey(manifest: BackupManifest, o: RestoreOptions): Promise<Buffer> {
  let key: Buffer;
  if (o.keyFile) {
    if (!existsSync(o.keyFile)) throw new HubError('KEY_FILE_INVALID', `There is no key file ${o.keyFile}.`, 'Pass the file written by `outpost key export`. Nothing has been changed.');
    key = readKeyFile(o.keyFile, null);
  } else {
    const stored = await o.secretStore.get(keychainAccount(manifest.hubId));
    if (stored === null) {
      throw new HubError(
        'MASTER_KEY_MISSING',
        `The master key of hub ${manifest.hubId} is not in this machine's keychain.`,
        'Pass --key-file with the key file from `outpost key export` (the emergency kit). Nothing has been changed.',
      );
    }
    key = Buffer.from(stored, 'base64');
  }
  const actual = Buffer.from(keyCheckValue(key, manifest.hubId), 'hex');
  if (!timingSafeEqual(actual, Buffer.from(manifest.keyCheck, 'hex'))) {
    key.fill(0);
    throw new HubError(
      'KEY_MISMATCH',
      `The key ${o.keyFile ? `in ${o.keyFile}` : 'from the keychain'} is not the master key of the hub this backup was made from (hub ${manifest.hubId}).`,
      'Use the key file exported from that hub with `outpost key export`. Nothing has been changed.',
    );
  }
  return key;
}

function verifyAndMigrate(dbFile: string, key: Buffer, manifest: BackupManifest, file: string): { version: number; rowCounts: Record<string, number> } {
  const db = openDatabase({ file: dbFile, key: deriveKey(key, manifest.hubId, 'database'), verifyPages: true });
  try {
    const problems = (db.pragma('integrity_check(5)') as { integrity_check: string }[]).map((r) => r.integrity_check).filter((r) => r !== 'ok');
    if (problems.length) throw backupInvalid(file, `the database in it fails the integrity check (${problems.join('; ')})`);
    const counts = rowCountsOf(db);
    const differ = Object.keys({ ...counts, ...manifest.rowCounts }).filter((t) => counts[t] !== manifest.rowCounts[t]);
    if (differ.length) throw backupInvalid(file, `row counts differ from the manifest in ${differ.slice(0, 5).join(', ')}`);
    const { to } = migrate(db);
    // A file made before auto_vacuum = INCREMENTAL is converted here, where a full VACUUM costs nothing to the hub:
    // retention can then return freed pages to the file system.
    if ((db.pragma('auto_vacuum', { simple: true }) as number) !== 2) {
      db.pragma('auto_vacuum = INCREMENTAL');
      db.exec('VACUUM');
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { version: to, rowCounts: rowCountsOf(db) };
  } finally {
    db.close();
  }
}
