import type { Db } from '../store/database';
import type { ExportInput, ExportStream } from '../../src-shared/api/areas/history';
import { exportCursors, iso } from './export-page';
import type { HistoryReads } from './reads';
import { requireVariables } from './variables';

/**
 * Rows read per variable per call (one round trip to the bulk reader thread; about 100 KiB of CSV: larger
 * pages left more garbage between collections, test/history/export.test.ts), and characters gathered before
 * a piece is handed on.
 */
const pageRows = 1000;
const pieceChars = 64 * 1024;

const csvNumber = (n: number | null) => (n === null ? '' : String(n));

const headers = {
  raw: 'time,ts,device,variable,value,context',
  buckets: 'time,ts,device,variable,bucket_ms,count,min,max,mean,last',
} as const;

/**
 * Readings of one device as CSV or NDJSON, produced a page at a time: memory
 * stays flat however many readings there are. Raw readings are read and
 * formatted on the bulk reader thread a page at a time (history/export-page.ts):
 * no read transaction stays open between pages, and the event loop that
 * acknowledges readings only passes finished text on.
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

/** Every reading in [from, to), merged across variables in time order (then commit order); one run of text per page. */
async function* rawLines(reads: HistoryReads, device: string, variables: readonly { id: number; label: string }[], input: ExportInput): AsyncGenerator<string[]> {
  let cursors = exportCursors(variables, input.from, pageRows);
  while (cursors.some((c) => !c.done)) {
    const page = await reads.exportPage({ device, cursors, to: input.to, format: input.format, limit: pageRows });
    cursors = page.cursors;
    if (page.text) yield [page.text];
  }
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
