import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/database';
import { auditRowsInOrder, insertAuditEntry, lastAuditEntry, type AuditEntry } from './queries/audit-log';
import { readSetting, writeSetting } from '../settings/queries/settings';

export type AuditOutcome = 'ok' | 'denied' | 'failed';

export interface AuditEvent {
  /** `user:3`, `app:2`, `apikey:1`, `cli`, `anonymous`. */
  actor: string;
  action: string;
  target: string;
  outcome: AuditOutcome;
  /** Peer address, `ipc` or `cli`. */
  address: string;
  detail?: Record<string, unknown>;
}

const genesis = Buffer.alloc(32);
/** The newest row's id and hash, so that deleting rows from the end is noticed too. */
const headSetting = 'audit.head';

function rowHash(key: Buffer, prevHash: Buffer, e: { id: number; ts: number; actor: string; action: string; target: string; outcome: string; address: string; detailText: string }): Buffer {
  const canonical = JSON.stringify([e.id, e.ts, e.actor, e.action, e.target, e.outcome, e.address, e.detailText]);
  return createHmac('sha256', key).update(prevHash).update(canonical).digest();
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
    const row = { id, ts: now, actor: event.actor, action: event.action, target: event.target, outcome: event.outcome, address: event.address, detailText };
    const hash = rowHash(key, prevHash, row);
    insertAuditEntry(db, { ...row, detail: detailText, prevHash, hash });
    writeSetting(db, headSetting, { id, hash: hash.toString('hex') }, now);
  }).immediate();
}

export interface ChainProblem {
  id: number;
  problem: 'edited' | 'deleted-before' | 'reordered' | 'truncated';
  message: string;
}

export interface ChainReport {
  ok: boolean;
  rows: number;
  problems: ChainProblem[];
}

export function verifyAuditChain(db: Db, key: Buffer): ChainReport {
  const problems: ChainProblem[] = [];
  let previous: (AuditEntry & { detailText: string }) | undefined;
  let rows = 0;
  for (const row of auditRowsInOrder(db)) {
    rows += 1;
    const expectedPrev = previous?.hash ?? genesis;
    const expectedId = (previous?.id ?? 0) + 1;
    const recomputed = rowHash(key, row.prevHash, row);
    if (!sameBytes(recomputed, row.hash)) {
      problems.push({ id: row.id, problem: 'edited', message: `Row ${row.id} was edited: its content no longer matches its hash.` });
    } else if (row.id !== expectedId) {
      problems.push({
        id: row.id,
        problem: 'deleted-before',
        message: `Rows ${expectedId}..${row.id - 1} are missing: deleted before row ${row.id}.`,
      });
    } else if (!sameBytes(row.prevHash, expectedPrev)) {
      problems.push({ id: row.id, problem: 'reordered', message: `Row ${row.id} does not follow row ${previous?.id ?? 0}: rows were reordered or replaced.` });
    }
    previous = row;
  }
  const head = readSetting(db, headSetting) as { id: number; hash: string } | undefined;
  if (head && (previous?.id !== head.id || previous.hash.toString('hex') !== head.hash)) {
    problems.push({ id: head.id, problem: 'truncated', message: `The log ends at row ${previous?.id ?? 0}, but row ${head.id} was written: rows were deleted from the end.` });
  }
  return { ok: problems.length === 0, rows, problems };
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const csvColumns = ['id', 'ts', 'time', 'actor', 'action', 'target', 'outcome', 'address', 'detail', 'hash'] as const;

function csvField(value: string): string {
  // Cells starting with = + - @ are formulas in spreadsheets (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function exportAudit(db: Db, format: 'jsonl' | 'csv'): string {
  const lines: string[] = format === 'csv' ? [csvColumns.join(',')] : [];
  for (const r of auditRowsInOrder(db)) {
    const record = {
      id: r.id,
      ts: r.ts,
      time: new Date(r.ts).toISOString(),
      actor: r.actor,
      action: r.action,
      target: r.target,
      outcome: r.outcome,
      address: r.address,
      detail: r.detail,
      hash: r.hash.toString('hex'),
    };
    if (format === 'jsonl') lines.push(JSON.stringify(record));
    else lines.push(csvColumns.map((c) => csvField(c === 'detail' ? JSON.stringify(record.detail) : String(record[c]))).join(','));
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
