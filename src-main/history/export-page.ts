import type { Db } from '../store/database';
import { readingPage, type ReadingPageRow } from './queries/readings';

/** How far a raw export has got in one variable: the last reading written, by (ts, id), or done. */
export interface ExportCursor {
  variableId: number;
  label: string;
  afterTs: number;
  afterId: number;
  done: boolean;
  /** Rows to read for this variable next time (at most the request's `limit`). */
  take: number;
}

export interface ExportPageRequest {
  device: string;
  cursors: ExportCursor[];
  /** Readings before this time (exclusive). */
  to: number;
  format: 'csv' | 'ndjson';
  /** The most rows read per variable in one call. */
  limit: number;
}

export interface ExportPage {
  /** The lines written by this call, each ending in a newline. */
  text: string;
  rows: number;
  /** Where the next call goes on from. */
  cursors: ExportCursor[];
}

export const iso = (ts: number) => new Date(ts).toISOString();
export const csvText = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The cursors an export of [from, to) starts with: before the first reading at `from`. */
export function exportCursors(variables: readonly { id: number; label: string }[], from: number, limit: number): ExportCursor[] {
  return variables.map((v) => ({ variableId: v.id, label: v.label, afterTs: from - 1, afterId: Number.MAX_SAFE_INTEGER, done: false, take: limit }));
}

const after = (row: ReadingPageRow, bound: ReadingPageRow) => row[1] > bound[1] || (row[1] === bound[1] && row[0] > bound[0]);
/** The fewest rows read for a variable in one call. */
const minTake = 16;

/**
 * The next lines of a raw export, formatted where they are read (the bulk
 * reader thread in the hub), so the event loop that acknowledges readings
 * only passes text on. One page per variable is read and merged in time order
 * (then commit order, by id); a variable whose page came back full may have
 * more readings right after its last one, so nothing later than the earliest
 * such last row is written in this call (the rest is read again next time).
 * Every call writes at least that variable's whole page, so it always
 * progresses. How many rows a variable's next page reads follows what it
 * wrote this time (twice that, within [16, limit]): a sparse variable next to
 * a dense one is not read a full page ahead only to be read again.
 */
export function exportPage(db: Db, req: ExportPageRequest): ExportPage {
  const takes = req.cursors.map((c) => Math.max(1, Math.min(req.limit, Math.floor(c.take))));
  const pages = req.cursors.map((c, i) => (c.done ? [] : readingPage(db, c.variableId, c.afterTs, c.afterId, req.to, takes[i]!)));
  let bound: ReadingPageRow | null = null;
  pages.forEach((rows, i) => {
    const last = rows.length === takes[i] ? rows[rows.length - 1] : undefined;
    if (last && (!bound || after(bound, last))) bound = last;
  });
  const cursors = req.cursors.map((c) => ({ ...c }));
  const at = pages.map(() => 0);
  let text = '';
  let written = 0;
  for (;;) {
    let next = -1;
    let best: ReadingPageRow | undefined;
    for (let i = 0; i < pages.length; i++) {
      const row = pages[i]![at[i]!];
      if (!row || (bound && after(row, bound))) continue;
      if (!best || after(best, row)) {
        next = i;
        best = row;
      }
    }
    if (!best) break;
    const [id, ts, value, context] = best;
    const label = cursors[next]!.label;
    text +=
      req.format === 'csv'
        ? `${iso(ts)},${ts},${req.device},${label},${value},${context === null ? '' : csvText(context)}\n`
        : `{"time":"${iso(ts)}","ts":${ts},"device":${JSON.stringify(req.device)},"variable":${JSON.stringify(label)},"value":${JSON.stringify(value)},"context":${context ?? 'null'}}\n`;
    at[next]! += 1;
    cursors[next]!.afterTs = ts;
    cursors[next]!.afterId = id;
    written += 1;
  }
  pages.forEach((rows, i) => {
    // A short page read to its end: nothing of this variable is left in the range.
    if (rows.length < takes[i]! && at[i] === rows.length) cursors[i]!.done = true;
    cursors[i]!.take = Math.min(req.limit, Math.max(minTake, 2 * at[i]!));
  });
  return { text, rows: written, cursors };
}
