import type { SyncDeadLetter, SyncStatus } from '../../src-shared/api/areas/sync';
import type { Db } from '../store/database';
import { deadLetterStatements, type DeadLetterStatements } from './queries/sync-dead-letters';
import { outboxStatements } from './queries/sync-outbox';
import { readSyncStatus, type SyncStatusRecord } from './queries/sync-status';
import { loadSyncSettings, type StoredSyncSettings } from './settings';

/** How many dead letters the status lists (the count covers all). */
export const recentDeadLetterCount = 10;

export function recentDeadLetters(statements: DeadLetterStatements, origin: string): { count: number; recent: SyncDeadLetter[] } {
  return statements.summary(origin, recentDeadLetterCount);
}

/** One status shape for the console API (live, in the hub) and the CLI (read from the database). */
export function syncStatusOf(
  settings: StoredSyncSettings | null,
  record: SyncStatusRecord | null,
  backlog: { count: number; oldestReceivedAt: number | null },
  deadLetters: { count: number; recent: SyncDeadLetter[] },
): SyncStatus {
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
    coverage: { since: settings?.syncedSince ?? null, history: settings?.history ?? null },
    deadLetters,
    updatedAt: record?.updatedAt ?? null,
  };
}

/** What the serving hub last wrote, for a CLI in another process. */
export function readStoredSyncStatus(db: Db, hubId: string): SyncStatus {
  return syncStatusOf(loadSyncSettings(db), readSyncStatus(db), outboxStatements(db).backlog(), recentDeadLetters(deadLetterStatements(db), hubId));
}
