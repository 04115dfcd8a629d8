import type { SyncStatus } from '../../src-shared/api/areas/sync';
import type { Db } from '../store/database';
import { outboxStatements } from './queries/sync-outbox';
import { readSyncStatus, type SyncStatusRecord } from './queries/sync-status';
import { loadSyncSettings, type StoredSyncSettings } from './settings';

/** One status shape for the console API (live, in the hub) and the CLI (read from the database). */
export function syncStatusOf(settings: StoredSyncSettings | null, record: SyncStatusRecord | null, backlog: { count: number; oldestReceivedAt: number | null }): SyncStatus {
  const live = record?.state === 'connecting' || record?.state === 'connected' ? record.state : 'offline';
  const state: SyncStatus['state'] = !settings ? 'unconfigured' : !settings.enabled ? 'disabled' : live;
  return {
    configured: settings !== null,
    enabled: settings?.enabled ?? false,
    state,
    url: settings?.url ?? null,
    siteId: settings?.siteId ?? null,
    allowRemoteCommands: settings?.allowRemoteCommands ?? false,
    mqttVersion: (record?.mqttVersion as SyncStatus['mqttVersion'] | undefined) ?? null,
    backlog: backlog.count,
    oldestUnsentAt: backlog.oldestReceivedAt,
    lastSuccessAt: record?.lastSuccessAt ?? null,
    sentTotal: record?.sentTotal ?? 0,
    lastError: record?.lastError ?? null,
    updatedAt: record?.updatedAt ?? null,
  };
}

/** What the serving hub last wrote, for a CLI in another process. */
export function readStoredSyncStatus(db: Db): SyncStatus {
  return syncStatusOf(loadSyncSettings(db), readSyncStatus(db), outboxStatements(db).backlog());
}
