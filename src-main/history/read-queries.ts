import type { Db } from '../store/database';
import { lastReadings, readingsInRange } from './queries/readings';

/** One page of a streamed read: rows as [ts, value] in (ts, id) order, and the cursor for the next page. */
export interface ReadingPage {
  rows: [ts: number, value: number][];
  next: { ts: number; id: number } | null;
}

/** The same page as CSV lines (`ISO time,value`), formatted on the reader thread, not on the event loop. */
export interface CsvPage {
  text: string;
  rows: number;
  next: { ts: number; id: number } | null;
}

/**
 * Keyset paging over one variable's readings in [from, to): each page is its
 * own short statement, so an export of millions of rows holds no read
 * transaction open (the WAL can still be checkpointed) and other queries on
 * the reader connection run between its pages.
 */
function readingPage(db: Db) {
  const first = db.prepare(
    `SELECT r.id, r.ts, r.value FROM readings r JOIN variables v ON v.id = r.variable_id
     WHERE v.device_id = ? AND v.label = ? AND r.ts >= ? AND r.ts < ? ORDER BY r.ts, r.id LIMIT ?`,
  );
  const after = db.prepare(
    `SELECT r.id, r.ts, r.value FROM readings r JOIN variables v ON v.id = r.variable_id
     WHERE v.device_id = ? AND v.label = ? AND (r.ts > ? OR (r.ts = ? AND r.id > ?)) AND r.ts < ? ORDER BY r.ts, r.id LIMIT ?`,
  );
  return (p: { deviceId: number; variable: string; from: number; to: number; after: { ts: number; id: number } | null; limit: number }): ReadingPage => {
    const rows = (
      p.after ? after.raw().all(p.deviceId, p.variable, p.after.ts, p.after.ts, p.after.id, p.to, p.limit) : first.raw().all(p.deviceId, p.variable, p.from, p.to, p.limit)
    ) as [number, number, number][];
    const last = rows.at(-1);
    return { rows: rows.map((r) => [r[1], r[2]]), next: last && rows.length === p.limit ? { ts: last[1], id: last[0] } : null };
  };
}

/**
 * Reads that run on the reader thread's own connection (history/reader-worker.ts),
 * off the event loop that acknowledges readings: console charts, event lists
 * and exports. Named, like the writer's ops, because a function cannot cross
 * to another thread; each is `(db) => (params) => result` with plain data.
 */
export const readQueries = {
  'readings.last': (db: Db) => (p: { deviceId: number; count: number; variable?: string }) => lastReadings(db, p.deviceId, p.count, p.variable),
  'readings.range': (db: Db) => (p: { deviceId: number; variable: string; from: number; to: number; limit: number }) =>
    readingsInRange(db, p.deviceId, p.variable, p.from, p.to, p.limit),
  'readings.page': readingPage,
  'readings.csv-page': (db: Db) => {
    const page = readingPage(db);
    return (p: Parameters<ReturnType<typeof readingPage>>[0]): CsvPage => {
      const { rows, next } = page(p);
      let text = '';
      for (const [ts, value] of rows) text += `${new Date(ts).toISOString()},${value}\n`;
      return { text, rows: rows.length, next };
    };
  },
} as const;

export type ReadQueryName = keyof typeof readQueries;
export type ReadParams<N extends ReadQueryName> = Parameters<ReturnType<(typeof readQueries)[N]>>[0];
export type ReadResult<N extends ReadQueryName> = ReturnType<ReturnType<(typeof readQueries)[N]>>;
