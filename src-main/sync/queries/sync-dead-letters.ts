import type { SyncDeadLetter } from '../../../src-shared/api/areas/sync';
import { readingUid } from '../../../src-shared/sync-format';
import type { Db } from '../../store/database';

interface DeadLetterRow {
  seq: number;
  at: number;
  source: 'site' | 'upstream';
  reason: string;
  org: string | null;
  device: string | null;
  variable: string | null;
  ts: number | null;
}

export interface DeadLetterInput {
  seq: number;
  at: number;
  source: 'site' | 'upstream';
  reason: string;
  org?: string | null | undefined;
  device?: string | null | undefined;
  variable?: string | null | undefined;
  ts?: number | null | undefined;
}

/** Site side: readings that will not be sent. Prepared once: the worker and receipts write here as they go. */
export function deadLetterStatements(db: Db) {
  const insert = db.prepare('INSERT OR IGNORE INTO sync_dead_letters (seq, at, source, reason, org, device, variable, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const count = db.prepare('SELECT count(*) FROM sync_dead_letters').pluck();
  const recent = db.prepare('SELECT seq, at, source, reason, org, device, variable, ts FROM sync_dead_letters ORDER BY id DESC LIMIT ?');
  return {
    /** Once per reading: a refusal reported again (a batch resent before its receipt) is not a new dead letter. */
    add(d: DeadLetterInput): boolean {
      return insert.run(d.seq, d.at, d.source, d.reason, d.org ?? null, d.device ?? null, d.variable ?? null, d.ts ?? null).changes > 0;
    },
    /** How many, and the newest `limit`; `origin` makes the stable reading ids. */
    summary(origin: string, limit: number): { count: number; recent: SyncDeadLetter[] } {
      return {
        count: count.get() as number,
        recent: (recent.all(limit) as DeadLetterRow[]).map((r) => ({
          id: readingUid(origin, r.seq),
          at: r.at,
          source: r.source,
          reason: r.reason,
          org: r.org,
          device: r.device,
          variable: r.variable,
          ts: r.ts,
        })),
      };
    },
  };
}

export type DeadLetterStatements = ReturnType<typeof deadLetterStatements>;
