import type { Db } from '../../store/database';

interface AuditRow {
  id: number;
  ts: number;
  actor: string;
  action: string;
  target: string;
  outcome: string;
  address: string;
  detail: string;
  prev_hash: Buffer;
  hash: Buffer;
}

/** The row with its detail parsed; the hashes stay as stored. */
export type AuditEntry = Omit<AuditRow, 'detail' | 'prev_hash'> & { detail: Record<string, unknown>; prevHash: Buffer };

const toEntry = (r: AuditRow): AuditEntry => ({
  id: r.id,
  ts: r.ts,
  actor: r.actor,
  action: r.action,
  target: r.target,
  outcome: r.outcome,
  address: r.address,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
  prevHash: r.prev_hash,
  hash: r.hash,
});

export function lastAuditEntry(db: Db): { id: number; hash: Buffer } | undefined {
  return db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as { id: number; hash: Buffer } | undefined;
}

export function insertAuditEntry(db: Db, e: Omit<AuditEntry, 'detail'> & { detail: string }): void {
  db.prepare('INSERT INTO audit_log (id, ts, actor, action, target, outcome, address, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    e.id,
    e.ts,
    e.actor,
    e.action,
    e.target,
    e.outcome,
    e.address,
    e.detail,
    e.prevHash,
    e.hash,
  );
}

/** Raw rows in id order, as stored: the chain check needs the stored detail text byte for byte. */
export function* auditRowsInOrder(db: Db): Generator<AuditEntry & { detailText: string }> {
  for (const r of db.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as Iterable<AuditRow>) yield { ...toEntry(r), detailText: r.detail };
}

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  since?: number | undefined;
  until?: number | undefined;
  limit: number;
}

export function queryAudit(db: Db, f: AuditFilter): AuditEntry[] {
  const rows = db
    .prepare(
      `SELECT * FROM audit_log WHERE (@actor IS NULL OR actor = @actor) AND (@action IS NULL OR action = @action)
         AND (@since IS NULL OR ts >= @since) AND (@until IS NULL OR ts < @until)
       ORDER BY id DESC LIMIT @limit`,
    )
    .all({ actor: f.actor ?? null, action: f.action ?? null, since: f.since ?? null, until: f.until ?? null, limit: f.limit }) as AuditRow[];
  return rows.map(toEntry);
}
