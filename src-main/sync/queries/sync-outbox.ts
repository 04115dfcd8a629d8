import type { Db } from '../../store/database';

interface OutboxRow {
  seq: number;
  device: string;
  variable: string;
  ts: number;
  value: number;
  context: string | null;
}

export interface OutboxReading {
  seq: number;
  device: string;
  variable: string;
  ts: number;
  value: number;
  context: Record<string, unknown> | null;
}

const toOutboxReading = (r: OutboxRow): OutboxReading => ({
  seq: r.seq,
  device: r.device,
  variable: r.variable,
  ts: r.ts,
  value: r.value,
  context: r.context === null ? null : (JSON.parse(r.context) as Record<string, unknown>),
});

/** Prepared once: the pipeline enqueues inside every commit and the worker reads in a loop. */
export function outboxStatements(db: Db) {
  const enqueue = db.prepare('INSERT INTO sync_outbox (reading_id) VALUES (?)');
  const next = db.prepare(`
    SELECT o.seq, d.label AS device, v.label AS variable, r.ts, r.value, r.context
    FROM sync_outbox o
    JOIN readings r ON r.id = o.reading_id
    JOIN variables v ON v.id = r.variable_id
    JOIN devices d ON d.id = v.device_id
    WHERE o.seq > ? ORDER BY o.seq LIMIT ?`);
  const remove = db.prepare('DELETE FROM sync_outbox WHERE seq BETWEEN ? AND ?');
  const count = db.prepare('SELECT count(*) FROM sync_outbox').pluck();
  const oldest = db.prepare('SELECT r.received_at FROM sync_outbox o JOIN readings r ON r.id = o.reading_id ORDER BY o.seq LIMIT 1').pluck();
  return {
    enqueue(readingId: number): void {
      enqueue.run(readingId);
    },
    /** Unsent readings after `afterSeq`, oldest first. */
    next(afterSeq: number, limit: number): OutboxReading[] {
      return (next.all(afterSeq, limit) as OutboxRow[]).map(toOutboxReading);
    },
    /** Marks a sent batch: every row of it lies in [first, last] and later rows have higher seqs. */
    markSent(first: number, last: number): number {
      return remove.run(first, last).changes;
    },
    backlog(): { count: number; oldestReceivedAt: number | null } {
      return { count: count.get() as number, oldestReceivedAt: (oldest.get() as number | undefined) ?? null };
    },
  };
}

export type OutboxStatements = ReturnType<typeof outboxStatements>;
