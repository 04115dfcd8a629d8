import type { Db } from '../../store/database';

interface OutboxRow {
  seq: number;
  org: string;
  device: string;
  variable: string;
  ts: number;
  value: number;
  context: string | null;
}

export interface OutboxReading {
  seq: number;
  /** The slug of the device's organisation on this hub. */
  org: string;
  device: string;
  variable: string;
  ts: number;
  value: number;
  context: Record<string, unknown> | null;
}

const toOutboxReading = (r: OutboxRow): OutboxReading => ({
  seq: r.seq,
  org: r.org,
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
    SELECT o.seq, g.slug AS org, d.label AS device, v.label AS variable, r.ts, r.value, r.context
    FROM sync_outbox o
    JOIN readings r ON r.id = o.reading_id
    JOIN variables v ON v.id = r.variable_id
    JOIN devices d ON d.id = v.device_id
    JOIN organisations g ON g.id = d.org_id
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

/**
 * Queues, in reading order, the stored readings from `fromReadingId` on that
 * sync covers (the devices listed, or all; readings received from sites only
 * when forwarded) and that are not queued yet. Runs in the transaction that
 * switches sync on with `history: include`.
 */
export function queueHistory(db: Db, fromReadingId: number, devices: readonly string[] | null, forwardSynced: boolean): number {
  return db
    .prepare(
      `INSERT INTO sync_outbox (reading_id)
       SELECT r.id FROM readings r
       JOIN variables v ON v.id = r.variable_id
       JOIN devices d ON d.id = v.device_id
       WHERE r.id >= :from
         AND (:devices IS NULL OR d.label IN (SELECT value FROM json_each(:devices)))
         AND (:forward OR d.id NOT IN (SELECT device_id FROM sync_site_devices))
         AND NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE o.reading_id = r.id)
       ORDER BY r.id`,
    )
    .run({ from: fromReadingId, devices: devices === null ? null : JSON.stringify(devices), forward: forwardSynced ? 1 : 0 }).changes;
}

export type OutboxStatements = ReturnType<typeof outboxStatements>;
