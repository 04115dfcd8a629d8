import type { Db } from '../store/database';
import type { ExportInput, ExportStream } from '../../src-shared/api/areas/history';
import type { ReadingPageRow } from './queries/readings';
import type { HistoryReads } from './reads';
import { requireVariables } from './variables';

/** Rows fetched per variable per query (one round trip to the reader thread), and characters gathered before a piece is handed on. */
const pageRows = 5000;
const pieceChars = 64 * 1024;

const iso = (ts: number) => new Date(ts).toISOString();
const csvText = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const csvNumber = (n: number | null) => (n === null ? '' : String(n));

const headers = {
  raw: 'time,ts,device,variable,value,context',
  buckets: 'time,ts,device,variable,bucket_ms,count,min,max,mean,last',
} as const;

/**
 * Readings of one device as CSV or NDJSON, produced a page at a time: memory
 * stays flat however many readings there are (each page is a short query on
 * the reader thread, so no read transaction stays open between pages and the
 * event loop only joins finished pages into text).
 * Times are ISO 8601 UTC (`time`) and ms since the epoch (`ts`).
 */
export function exportReadings(db: Db, reads: HistoryReads, device: { id: number; label: string }, input: ExportInput): ExportStream {
  const variables = requireVariables(db, device.id, input.variables);
  const stamp = (ts: number) => iso(ts).replace(/[:.]/g, '-');
  return {
    filename: `${device.label}_${stamp(input.from)}_${stamp(input.to)}${input.shape === 'buckets' ? '_buckets' : ''}.${input.format}`,
    contentType: input.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    chunks: pieces(input.format === 'csv' ? `${headers[input.shape]}\n` : '', input.shape === 'raw' ? rawLines(reads, device.label, variables, input) : bucketLines(reads, device, input)),
  };
}

/**
 * Lines joined into pieces of about 64 KiB. Lines come in synchronous runs
 * (one page or one series each), so the async hop is per run, not per line:
 * hundreds of thousands of awaited yields would cost time and garbage.
 */
async function* pieces(head: string, runs: AsyncIterable<Iterable<string>>): AsyncGenerator<string> {
  let piece = head;
  for await (const run of runs) {
    for (const line of run) {
      piece += line;
      if (piece.length >= pieceChars) {
        yield piece;
        piece = '';
      }
    }
  }
  if (piece) yield piece;
}

interface Cursor {
  label: string;
  variableId: number;
  rows: ReadingPageRow[];
  at: number;
  done: boolean;
}

/** Every reading in [from, to), merged across variables in time order (then commit order); one run of lines per page fetched. */
async function* rawLines(reads: HistoryReads, device: string, variables: readonly { id: number; label: string }[], input: ExportInput): AsyncGenerator<string[]> {
  const cursors: Cursor[] = variables.map((v) => ({ label: v.label, variableId: v.id, rows: [], at: 0, done: false }));
  const refill = async (c: Cursor) => {
    const last = c.rows[c.rows.length - 1];
    c.rows = await reads.page(c.variableId, last ? last[1] : input.from - 1, last ? last[0] : Number.MAX_SAFE_INTEGER, input.to, pageRows);
    c.at = 0;
    if (c.rows.length === 0) c.done = true;
  };
  await Promise.all(cursors.map(refill));
  let run: string[] = [];
  for (;;) {
    let next: Cursor | undefined;
    for (const c of cursors) {
      if (c.done) continue;
      const row = c.rows[c.at]!;
      const best = next?.rows[next.at];
      if (!best || row[1] < best[1] || (row[1] === best[1] && row[0] < best[0])) next = c;
    }
    if (!next) break;
    const [, ts, value, context] = next.rows[next.at]!;
    if (input.format === 'csv') run.push(`${iso(ts)},${ts},${device},${next.label},${value},${context === null ? '' : csvText(context)}\n`);
    else run.push(`{"time":"${iso(ts)}","ts":${ts},"device":${JSON.stringify(device)},"variable":${JSON.stringify(next.label)},"value":${JSON.stringify(value)},"context":${context ?? 'null'}}\n`);
    next.at += 1;
    if (next.at >= next.rows.length) {
      yield run;
      run = [];
      await refill(next);
    }
  }
  if (run.length) yield run;
}

/** The entries readings.series returns for the same request (what a chart of it shows), empty buckets left out. */
async function* bucketLines(reads: HistoryReads, device: { id: number; label: string }, input: ExportInput): AsyncGenerator<string[]> {
  const series = await reads.series({ deviceId: device.id, variables: input.variables, from: input.from, to: input.to, maxPoints: input.maxPoints });
  const rows: { ts: number; line: string }[] = [];
  for (const s of series) {
    s.t.forEach((ts, i) => {
      const count = s.count[i]!;
      if (count === 0) return;
      const bucketMs = s.bucketMs ?? 0;
      const [min, max, mean, last] = [s.min[i]!, s.max[i]!, s.mean[i]!, s.last[i]!];
      const line =
        input.format === 'csv'
          ? `${iso(ts)},${ts},${device.label},${s.variable},${bucketMs},${count},${csvNumber(min)},${csvNumber(max)},${csvNumber(mean)},${csvNumber(last)}\n`
          : `${JSON.stringify({ time: iso(ts), ts, device: device.label, variable: s.variable, bucketMs, count, min, max, mean, last })}\n`;
      rows.push({ ts, line });
    });
  }
  // At most maxPoints per variable: small enough to sort in memory.
  rows.sort((a, b) => a.ts - b.ts);
  yield rows.map((r) => r.line);
}
