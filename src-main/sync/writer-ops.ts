import type { Db } from '../store/database';
import { outboxStatements } from './queries/sync-outbox';
import { writeSyncStatus, type SyncStatusRecord } from './queries/sync-status';

/** Writer-thread op: deletes an acknowledged range from the outbox; returns how many rows it removed. */
export function syncMarkSentOp(db: Db) {
  const outbox = outboxStatements(db);
  return (payload: { first: number; last: number }): number => outbox.markSent(payload.first, payload.last);
}

/** Writer-thread op: stores the sync status the CLI reads (`outpost sync status`). */
export function syncStatusOp(db: Db) {
  return (payload: SyncStatusRecord): void => writeSyncStatus(db, payload);
}
