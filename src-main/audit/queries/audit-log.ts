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
  org_id: number | null;
  target_label: string | null;
  format: number;
  pf_salt: Buffer | null;
  pf_commit: Buffer | null;
  erased_mac: Buffer | null;
  legacy_mac: Buffer | null;
}

/** The row with its detail parsed; the hashes stay as stored. */
export interface AuditEntry {
  id: number;
  ts: number;
  actor: string;
  action: string;
  target: string;
  targetLabel: string | null;
  /** null: a hub-wide event (hub settings, sign-in attempts for no known account). */
  orgId: number | null;
  outcome: string;
  address: string;
  detail: Record<string, unknown>;
  prevHash: Buffer;
  hash: Buffer;
  /** 1: rows written before organisations were recorded (org and label not hashed); 2: both hashed. */
  format: number;
}

/** The erasure columns (migration 0013): the personal fields' commitment, and the MACs of an erasure and of a sealed older row. */
export interface AuditPersonalSeal {
  pfSalt: Buffer | null;
  pfCommit: Buffer | null;
  erasedMac: Buffer | null;
  legacyMac: Buffer | null;
}

const toEntry = (r: AuditRow): AuditEntry => ({
  id: r.id,
  ts: r.ts,
  actor: r.actor,
  action: r.action,
  target: r.target,
  targetLabel: r.target_label,
  orgId: r.org_id,
  outcome: r.outcome,
  address: r.address,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
  prevHash: r.prev_hash,
  hash: r.hash,
  format: r.format,
});

export function lastAuditEntry(db: Db): { id: number; hash: Buffer } | undefined {
  return db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as { id: number; hash: Buffer } | undefined;
}

export function insertAuditEntry(db: Db, e: Omit<AuditEntry, 'detail'> & { detail: string; pfSalt: Buffer; pfCommit: Buffer }): void {
  db.prepare(
    'INSERT INTO audit_log (id, ts, actor, action, target, target_label, org_id, outcome, address, detail, prev_hash, hash, format, pf_salt, pf_commit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(e.id, e.ts, e.actor, e.action, e.target, e.targetLabel, e.orgId, e.outcome, e.address, e.detail, e.prevHash, e.hash, e.format, e.pfSalt, e.pfCommit);
}

export type StoredAuditRow = AuditEntry & AuditPersonalSeal & { detailText: string };

// `?? null`: a database not yet migrated to 13 has no such columns (a chain checked before its migration).
const toStored = (r: AuditRow): StoredAuditRow => ({
  ...toEntry(r),
  detailText: r.detail,
  pfSalt: r.pf_salt ?? null,
  pfCommit: r.pf_commit ?? null,
  erasedMac: r.erased_mac ?? null,
  legacyMac: r.legacy_mac ?? null,
});

/** Raw rows in id order, as stored: the chain check needs the stored detail text byte for byte. */
export function* auditRowsInOrder(db: Db): Generator<StoredAuditRow> {
  for (const r of db.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as Iterable<AuditRow>) yield toStored(r);
}

/** Rows holding a person's personal fields: by them (their address), about them (their account as target, or their email as the label). */
export function auditRowsToErase(db: Db, subject: string, email: string): StoredAuditRow[] {
  const rows = db
    .prepare('SELECT * FROM audit_log WHERE erased_mac IS NULL AND (actor = @subject OR target = @subject OR target_label = @email COLLATE NOCASE) ORDER BY id')
    .all({ subject, email }) as AuditRow[];
  return rows.map(toStored);
}

/** Seals an older-format row (its stored hash stays the chain link; `legacyMac` covers it and the commitment). */
export function sealLegacyAuditRow(db: Db, id: number, pfSalt: Buffer, pfCommit: Buffer, legacyMac: Buffer): void {
  db.prepare('UPDATE audit_log SET pf_salt = ?, pf_commit = ?, legacy_mac = ? WHERE id = ?').run(pfSalt, pfCommit, legacyMac, id);
}

/** Blanks a row's personal fields and its salt; the commitment stays, so the chain still verifies. */
export function eraseAuditRowFields(db: Db, id: number, erasedMac: Buffer): void {
  db.prepare("UPDATE audit_log SET target_label = NULL, address = '', pf_salt = NULL, erased_mac = ? WHERE id = ?").run(erasedMac, id);
}

/** `null`: every organisation's rows and the hub-wide ones (the hub owner's view). */
export type AuditScope = number | null;

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  since?: number | undefined;
  until?: number | undefined;
  limit: number;
}

export function queryAudit(db: Db, scope: AuditScope, f: AuditFilter): AuditEntry[] {
  const rows = db
    .prepare(
      `SELECT * FROM audit_log WHERE (@org IS NULL OR org_id = @org) AND (@actor IS NULL OR actor = @actor) AND (@action IS NULL OR action = @action)
         AND (@since IS NULL OR ts >= @since) AND (@until IS NULL OR ts < @until)
       ORDER BY id DESC LIMIT @limit`,
    )
    .all({ org: scope, actor: f.actor ?? null, action: f.action ?? null, since: f.since ?? null, until: f.until ?? null, limit: f.limit }) as AuditRow[];
  return rows.map(toEntry);
}

/** Rows of one scope in id order, for export. */
export function* auditRowsOf(db: Db, scope: AuditScope): Generator<AuditEntry> {
  for (const r of db.prepare('SELECT * FROM audit_log WHERE (@org IS NULL OR org_id = @org) ORDER BY id').iterate({ org: scope }) as Iterable<AuditRow>) yield toEntry(r);
}

/**
 * The chain's oldest rows while they were written before `before`: a prefix
 * only (pruning never leaves a gap), and never the newest row (the chain
 * continues from it).
 */
export function oldestAuditRows(db: Db, before: number, limit: number): { id: number; hash: Buffer }[] {
  const rows = db.prepare('SELECT id, hash, ts FROM audit_log WHERE id < (SELECT max(id) FROM audit_log) ORDER BY id LIMIT ?').all(limit) as { id: number; hash: Buffer; ts: number }[];
  const end = rows.findIndex((r) => r.ts >= before);
  return (end < 0 ? rows : rows.slice(0, end)).map(({ id, hash }) => ({ id, hash }));
}

export function deleteAuditThrough(db: Db, id: number): number {
  return db.prepare('DELETE FROM audit_log WHERE id <= ?').run(id).changes;
}

/** Rows by a person (`actor`) or about them (their subject as target, or their email as the target's label), newest first, within `scope`. */
export function auditRowsOfPerson(db: Db, subject: string, email: string, scope: AuditScope, limit = 10_000): { by: AuditEntry[]; about: AuditEntry[] } {
  const inScope = scope === null ? '' : ' AND org_id = @scope';
  const params = { subject, email, scope, limit };
  const by = db.prepare(`SELECT * FROM audit_log WHERE actor = @subject${inScope} ORDER BY id DESC LIMIT @limit`).all(scope === null ? { subject, limit } : params) as AuditRow[];
  const about = db
    .prepare(`SELECT * FROM audit_log WHERE (target = @subject OR target_label = @email COLLATE NOCASE)${inScope} ORDER BY id DESC LIMIT @limit`)
    .all(scope === null ? { subject, email, limit } : params) as AuditRow[];
  return { by: by.map(toEntry), about: about.map(toEntry) };
}
