import type { Db } from '../../store/database';

interface Row {
  seq: number;
  payload: string;
}

export interface OutboxAlarmEvent {
  seq: number;
  /** The event without its seq (sync-alarms.ts `SyncAlarmEvent`), as JSON: a snapshot taken when it was queued. */
  payload: string;
}

/** The site's alarm outbox (migration 0018): events wait here until the upstream acknowledged them. */
export function insertAlarmOutbox(db: Db, e: { alarmId: number; event: string; payload: string; now: number }): number {
  return Number(db.prepare('INSERT INTO sync_alarm_outbox (alarm_id, event, payload, queued_at) VALUES (?, ?, ?, ?)').run(e.alarmId, e.event, e.payload, e.now).lastInsertRowid);
}

export function alarmOutboxStatements(db: Db) {
  const next = db.prepare('SELECT seq, payload FROM sync_alarm_outbox WHERE seq > ? ORDER BY seq LIMIT ?');
  const remove = db.prepare('DELETE FROM sync_alarm_outbox WHERE seq BETWEEN ? AND ?');
  const count = db.prepare('SELECT count(*) FROM sync_alarm_outbox').pluck();
  return {
    /** Unsent events after `afterSeq`, oldest first. */
    next(afterSeq: number, limit: number): OutboxAlarmEvent[] {
      return next.all(afterSeq, limit) as Row[];
    },
    markSent(first: number, last: number): number {
      return remove.run(first, last).changes;
    },
    backlog(): number {
      return count.get() as number;
    },
  };
}

export type AlarmOutboxStatements = ReturnType<typeof alarmOutboxStatements>;
