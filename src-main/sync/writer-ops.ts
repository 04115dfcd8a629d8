import type { SyncAlarmEvent } from '../../src-shared/sync-alarms';
import type { Db } from '../store/database';
import { alarmOutboxStatements } from './queries/sync-alarm-outbox';
import { outboxStatements } from './queries/sync-outbox';
import { insertSiteAlarms } from './queries/sync-site-alarms';
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

/** Writer-thread op: deletes an acknowledged range of alarm events from the alarm outbox. */
export function syncAlarmsSentOp(db: Db) {
  const outbox = alarmOutboxStatements(db);
  return (payload: { first: number; last: number }): number => outbox.markSent(payload.first, payload.last);
}

/** Writer-thread op (organisation hub): stores a site's alarm events once each; returns how many were new. */
export function syncAlarmsReceivedOp(db: Db) {
  return (p: { siteRef: number; origin: string; events: SyncAlarmEvent[]; now: number }): number => insertSiteAlarms(db, p.siteRef, p.origin, p.events, p.now);
}
