import { createHmac } from 'node:crypto';
import type { Db } from '../store/database';
import { readSetting, writeSetting } from '../settings/queries/settings';
import { readAnchor } from './prune';
import { legacyMac, newSalt, personalCommit, personalFieldsIntact, sameBytes } from './personal-fields';
import { auditRowsInOrder, auditRowsOf, insertAuditEntry, lastAuditEntry, type AuditEntry, type AuditScope, type StoredAuditRow } from './queries/audit-log';

export type AuditOutcome = 'ok' | 'denied' | 'failed';

/** One audit row as written: who did what to which object, in which organisation, with what outcome. */
export interface AuditEvent {
  /** `user:3`, `app:2`, `apikey:1`, `cli:alice`, `device:7`, `anonymous`. */
  actor: string;
  action: string;
  /** `device:7`, `user:3`, `policy`, ... */
  target: string;
  /** The target's name as people know it (a device label, an email, an app name). */
  targetLabel?: string | null | undefined;
  /** The organisation the event belongs to; null for hub-wide events, which only the hub owner reads. */
  orgId: number | null;
  outcome: AuditOutcome;
  /** Peer address, `ipc` or `cli`. */
  address: string;
  detail?: Record<string, unknown> | undefined;
}

/**
 * Rows are written in this format; older formats keep verifying as they were
 * written. Format 3 hashes a commitment of the personal fields instead of the
 * fields (audit/personal-fields.ts), so they can be erased.
 */
const currentFormat = 3;
const genesis = Buffer.alloc(32);
/** The newest row's id and hash, so that deleting rows from the end is noticed too. */
const headSetting = 'audit.head';

type HashedFields = Pick<AuditEntry, 'id' | 'ts' | 'actor' | 'action' | 'target' | 'outcome' | 'address' | 'orgId' | 'targetLabel' | 'format'> & { detailText: string; pfCommit: Buffer | null };

export function rowHash(key: Buffer, prevHash: Buffer, e: HashedFields): Buffer {
  const fields: unknown[] =
    e.format >= 3
      ? [e.id, e.ts, e.actor, e.action, e.target, e.outcome, e.detailText, e.orgId, e.pfCommit?.toString('hex') ?? null, e.format]
      : [e.id, e.ts, e.actor, e.action, e.target, e.outcome, e.address, e.detailText];
  if (e.format === 2) fields.push(e.orgId, e.targetLabel, e.format);
  return createHmac('sha256', key).update(prevHash).update(JSON.stringify(fields)).digest();
}

/**
 * Appends one row to the hash chain. Each row's HMAC covers the previous row's
 * hash and its own id, so an edited, deleted or moved row breaks the chain at
 * that point. The write is IMMEDIATE: the CLI and the running hub append to
 * the same chain and must not both read the same previous hash.
 */
export function appendAudit(db: Db, key: Buffer, event: AuditEvent, now: number): void {
  db.transaction(() => {
    const last = lastAuditEntry(db);
    const id = (last?.id ?? 0) + 1;
    const prevHash = last?.hash ?? genesis;
    const detailText = JSON.stringify(event.detail ?? {});
    const row = {
      id,
      ts: now,
      actor: event.actor,
      action: event.action,
      target: event.target,
      targetLabel: event.targetLabel ?? null,
      orgId: event.orgId,
      outcome: event.outcome,
      address: event.address,
      format: currentFormat,
      detailText,
      pfSalt: newSalt(),
    };
    const pfCommit = personalCommit(row.pfSalt, row.targetLabel, row.address);
    const hash = rowHash(key, prevHash, { ...row, pfCommit });
    insertAuditEntry(db, { ...row, pfCommit, detail: detailText, prevHash, hash });
    writeSetting(db, headSetting, { id, hash: hash.toString('hex') }, now);
  }).immediate();
}

export interface ChainProblem {
  id: number;
  problem: 'edited' | 'deleted-before' | 'reordered' | 'truncated' | 'elsewhere';
  message: string;
}

export interface ChainReport {
  ok: boolean;
  /** Rows in the caller's scope. */
  rows: number;
  problems: ChainProblem[];
}

/**
 * Checks the whole chain (a row deleted anywhere breaks it), but names only
 * rows in `scope`: problems in rows of other organisations are reported as a
 * count, so verifying reveals nothing about them.
 */
export function verifyAuditChain(db: Db, key: Buffer, scope: AuditScope = null): ChainReport {
  const problems: ChainProblem[] = [];
  let elsewhere = 0;
  // Rows pruned by retention (audit/prune.ts) end at the anchor: the chain goes on from its hash.
  const anchor = readAnchor(db, key);
  let previous: { id: number; hash: Buffer } | undefined = anchor === 'forged' ? undefined : anchor;
  if (anchor === 'forged') problems.push({ id: 0, problem: 'edited', message: 'The pruning anchor (what audit retention removed) was edited: it does not carry the hub’s MAC.' });
  let rows = 0;
  const visible = (row: AuditEntry) => scope === null || row.orgId === scope;
  const report = (row: AuditEntry, p: ChainProblem) => (visible(row) ? problems.push(p) : (elsewhere += 1));
  for (const row of auditRowsInOrder(db)) {
    if (visible(row)) rows += 1;
    const expectedPrev = previous?.hash ?? genesis;
    const expectedId = (previous?.id ?? 0) + 1;
    if (!rowIntact(key, row)) {
      report(row, { id: row.id, problem: 'edited', message: `Row ${row.id} was edited: its content no longer matches its hash.` });
    } else if (row.id !== expectedId) {
      report(row, { id: row.id, problem: 'deleted-before', message: `Rows ${expectedId}..${row.id - 1} are missing: deleted before row ${row.id}.` });
    } else if (!sameBytes(row.prevHash, expectedPrev)) {
      report(row, { id: row.id, problem: 'reordered', message: `Row ${row.id} does not follow row ${previous?.id ?? 0}: rows were reordered or replaced.` });
    }
    previous = row;
  }
  const head = readSetting(db, headSetting) as { id: number; hash: string } | undefined;
  if (head && (previous?.id !== head.id || previous.hash.toString('hex') !== head.hash)) {
    problems.push({ id: head.id, problem: 'truncated', message: `The log ends at row ${previous?.id ?? 0}, but row ${head.id} was written: rows were deleted from the end.` });
  }
  if (elsewhere > 0) {
    problems.push({ id: 0, problem: 'elsewhere', message: `${elsewhere} problem(s) in rows that are not your organisation's; the hub owner can see which (outpost audit verify).` });
  }
  return { ok: problems.length === 0, rows, problems };
}

/** The row's hash covers its content, and its personal fields match their commitment (or were erased by the hub). */
export function rowIntact(key: Buffer, row: StoredAuditRow): boolean {
  const hashOk = row.legacyMac !== null && row.pfCommit !== null ? sameBytes(legacyMac(key, row, row.pfCommit), row.legacyMac) : sameBytes(rowHash(key, row.prevHash, row), row.hash);
  return hashOk && personalFieldsIntact(key, row);
}

const csvColumns = ['id', 'ts', 'time', 'org', 'actor', 'action', 'target', 'targetLabel', 'outcome', 'address', 'detail', 'hash'] as const;

function csvField(value: string): string {
  // Cells starting with = + - @ are formulas in spreadsheets (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function exportAudit(db: Db, format: 'jsonl' | 'csv', scope: AuditScope = null): string {
  const lines: string[] = format === 'csv' ? [csvColumns.join(',')] : [];
  for (const r of auditRowsOf(db, scope)) {
    const record = {
      id: r.id,
      ts: r.ts,
      time: new Date(r.ts).toISOString(),
      org: r.orgId,
      actor: r.actor,
      action: r.action,
      target: r.target,
      targetLabel: r.targetLabel,
      outcome: r.outcome,
      address: r.address,
      detail: r.detail,
      hash: r.hash.toString('hex'),
    };
    if (format === 'jsonl') lines.push(JSON.stringify(record));
    else lines.push(csvColumns.map((c) => csvField(c === 'detail' ? JSON.stringify(record.detail) : String(record[c] ?? ''))).join(','));
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
