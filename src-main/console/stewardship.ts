import { basename, join } from 'node:path';
import type { ApiContract } from '../../src-shared/api/contract';
import { ServiceError } from '../errors';
import type { ReaderClient } from '../history/reader-client';
import { deriveKey } from '../security/derive';
import type { HubIdentity } from '../security/hub-identity';
import { createBackup, type BackupResult } from '../store/backup/create';
import { snapshotInto } from '../store/backup/snapshot';
import type { Db } from '../store/database';
import type { HandlerRegistry } from './registry';
import { backupSchedule, type BackupSchedule } from '../stewardship/backup-schedule';

/** What the stewardship methods need from the process they run in (the hub or one CLI command). */
export interface StewardshipServices {
  /** Writes a backup to `target`, else where this process keeps them: the data directory's `backups/` in the hub, `--to` in the CLI. */
  backup(target?: string): Promise<BackupResult>;
  /** Scheduled backups: settings and the last run. */
  schedule(): BackupSchedule;
  /** A copy of the master key: only a CLI process started for `outpost key export` has one. */
  masterKey(): Buffer | null;
}

export interface StewardshipSource {
  db: Db;
  dataDir: string;
  identity: HubIdentity;
  masterKey: Buffer;
  outpostVersion: string;
  /** The hub's reader thread; a CLI process snapshots on its own connection. */
  reader?: ReaderClient | undefined;
  /** Where `backup()` writes; default `<dataDir>/backups/outpost-<time>.backup`. */
  backupTo?: string | undefined;
  /** Keep a copy of the master key for `hub.exportKey` (the CLI's `outpost key export` only). */
  exportKey?: boolean;
}

/** Keeps only the derived manifest key (and, for the emergency kit, one copy of the master key). */
export function stewardshipServices(s: StewardshipSource): StewardshipServices & { close(): void } {
  const macKey = deriveKey(s.masterKey, s.identity.hubId, 'backup-manifest');
  const kit = s.exportKey ? Buffer.from(s.masterKey) : null;
  const snapshot = s.reader ? (file: string) => s.reader!.query('store.snapshot', { file }) : async (file: string) => snapshotInto(s.db, file);
  return {
    backup: (target?: string) =>
      createBackup(
        { dataDir: s.dataDir, identity: s.identity, macKey: () => Buffer.from(macKey), outpostVersion: s.outpostVersion, snapshot },
        target ?? s.backupTo ?? join(s.dataDir, 'backups', `outpost-${new Date().toISOString().replace(/[:.]/g, '-')}.backup`),
      ),
    masterKey: () => (kit ? Buffer.from(kit) : null),
    schedule: () => backupSchedule(s.db, s.dataDir),
    close: () => {
      macKey.fill(0);
      kit?.fill(0);
    },
  };
}

export function registerStewardshipHandlers(registry: HandlerRegistry<ApiContract>, services: StewardshipServices): void {
  registry.register('hub.backup', async (_input, caller) => {
    const { file, manifest } = await services.backup();
    caller.audit.target({ kind: 'backup', id: manifest.createdAt, label: basename(file) });
    caller.audit.detail({ bytes: manifest.database.bytes, sha256: manifest.database.sha256, schemaVersion: manifest.schemaVersion });
    return { file, hubId: manifest.hubId, createdAt: manifest.createdAt, schemaVersion: manifest.schemaVersion, rowCounts: manifest.rowCounts, bytes: manifest.database.bytes, sha256: manifest.database.sha256 };
  });
  registry.register('hub.backupSchedule', () => services.schedule());
  registry.register('hub.exportKey', (_input, caller) => {
    caller.audit.target({ kind: 'master-key', id: 'emergency-kit' });
    const key = services.masterKey();
    if (!key) {
      throw new ServiceError(
        'KEY_EXPORT_CLI_ONLY',
        'The master key is exported only with `outpost key export --yes` on the hub’s own machine; the console never hands it out.',
        403,
      );
    }
    const keyHex = key.toString('hex');
    key.fill(0);
    return { keyHex };
  });
}
