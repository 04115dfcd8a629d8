import type { Db } from '../../store/database';

interface AccountingRow {
  subject: string;
  hour: number;
  requests: number;
  bytes_in: number;
  bytes_out: number;
}

export interface AccountingRecord {
  subject: string;
  /** Start of the hour, ms since the epoch. */
  hour: number;
  requests: number;
  bytesIn: number;
  bytesOut: number;
}

const toRecord = (r: AccountingRow): AccountingRecord => ({ subject: r.subject, hour: r.hour, requests: r.requests, bytesIn: r.bytes_in, bytesOut: r.bytes_out });

export function addUsage(db: Db, subject: string, hour: number, requests: number, bytesIn: number, bytesOut: number): void {
  db.prepare(
    `INSERT INTO accounting (subject, hour, requests, bytes_in, bytes_out) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (subject, hour) DO UPDATE SET requests = requests + excluded.requests, bytes_in = bytes_in + excluded.bytes_in, bytes_out = bytes_out + excluded.bytes_out`,
  ).run(subject, hour, requests, bytesIn, bytesOut);
}

export function usageOf(db: Db, subjects: readonly string[], since: number): AccountingRecord[] {
  if (subjects.length === 0) return [];
  const rows = db
    .prepare(`SELECT * FROM accounting WHERE subject IN (SELECT value FROM json_each(?)) AND hour >= ? ORDER BY hour, subject`)
    .all(JSON.stringify(subjects), since) as AccountingRow[];
  return rows.map(toRecord);
}
