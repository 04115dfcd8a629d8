import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, fsyncSync, linkSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HubError, errorCode, errorMessage } from '../../errors';
import type { HubIdentity } from '../../security/hub-identity';
import { tlsDir } from '../../security/tls/material';
import { headerBytes, manifestMac, tlsFileNames, type BackupManifest } from './format';
import type { SnapshotFacts } from './snapshot';

export interface BackupSource {
  dataDir: string;
  identity: HubIdentity;
  /** HMAC key of the manifest (derived from the master key, purpose `backup-manifest`). */
  macKey: () => Buffer;
  outpostVersion: string;
  /** Runs `snapshotInto` on a connection of the hub's database (the reader thread in the hub). */
  snapshot(file: string): Promise<SnapshotFacts>;
}

export interface BackupResult {
  file: string;
  manifest: Omit<BackupManifest, 'tls' | 'mac' | 'keyCheck'>;
}

/**
 * Writes a backup file (format.ts) at `target`, which must not exist: a
 * backup never replaces a file. The snapshot and the partial file sit next to
 * the target (same disk, encrypted) and are removed whatever happens; the
 * finished file appears under its name only when complete and synced.
 */
export async function createBackup(source: BackupSource, target: string): Promise<BackupResult> {
  if (existsSync(target)) {
    throw new HubError('BACKUP_INVALID', `${target} already exists; a backup never replaces a file.`, 'Choose a new file name, or move the old backup away first.');
  }
  const tag = randomBytes(6).toString('hex');
  const snapFile = `${target}.snapshot-${tag}`;
  const partFile = `${target}.partial-${tag}`;
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  try {
    const facts = await source.snapshot(snapFile).catch((err: unknown) => {
      throw new HubError('BACKUP_INVALID', `Cannot write the backup next to ${target}: ${errorMessage(err)}.`, 'Choose a directory you can write to with room for a copy of the database.', { cause: err });
    });
    const bytes = statSync(snapFile).size;
    const sha256 = await sha256Of(snapFile);
    const tls: Record<string, string> = {};
    for (const name of tlsFileNames) {
      const f = join(tlsDir(source.dataDir), name);
      if (existsSync(f)) tls[name] = readFileSync(f).toString('base64');
    }
    const body: Omit<BackupManifest, 'mac'> = {
      format: 1,
      hubId: source.identity.hubId,
      createdAt: new Date().toISOString(),
      outpostVersion: source.outpostVersion,
      schemaVersion: facts.schemaVersion,
      keyCheck: source.identity.keyCheck,
      rowCounts: facts.rowCounts,
      database: { bytes, sha256 },
      tls,
    };
    const macKey = source.macKey();
    const manifest: BackupManifest = { ...body, mac: manifestMac(body, macKey) };
    macKey.fill(0);

    const out = createWriteStream(partFile, { flags: 'wx', mode: 0o600 });
    out.write(headerBytes(manifest));
    await pipeline(createReadStream(snapFile), out);
    const fd = openSync(partFile, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // link() fails if the target appeared meanwhile: never replaces a file.
    try {
      linkSync(partFile, target);
    } catch (err) {
      if (errorCode(err) === 'EEXIST') throw new HubError('BACKUP_INVALID', `${target} appeared while the backup was written; it was left alone.`, 'Choose a new file name.');
      throw err;
    }
    const { tls: _tls, mac: _mac, keyCheck: _kc, ...summary } = manifest;
    return { file: target, manifest: summary };
  } finally {
    rmSync(snapFile, { force: true });
    rmSync(partFile, { force: true });
  }
}

export async function sha256Of(file: string, start = 0, end?: number): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file, { start, ...(end === undefined ? {} : { end }) }), hash);
  return hash.digest('hex');
}
