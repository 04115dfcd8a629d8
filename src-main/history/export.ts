import type { ReaderClient } from './reader-client';

export interface ExportRange {
  deviceId: number;
  variable: string;
  from: number;
  to: number;
}

/** Rows per page: large enough that paging costs little, small enough that a page is a few hundred KB. */
const pageRows = 20_000;

/**
 * Streams one variable's readings in [from, to), oldest first, page by page
 * from the reader thread: the event loop only receives finished pages, and
 * the next page is read while the caller handles this one.
 */
export function streamReadings(reader: ReaderClient, range: ExportRange): AsyncGenerator<[ts: number, value: number][]> {
  return paged((after) => reader.query('readings.page', { ...range, after, limit: pageRows }), (p) => p.rows);
}

/** The same stream as CSV text (`ISO time,value` lines), formatted on the reader thread. */
export function streamReadingsCsv(reader: ReaderClient, range: ExportRange): AsyncGenerator<string> {
  return paged((after) => reader.query('readings.csv-page', { ...range, after, limit: pageRows }), (p) => p.text);
}

type Cursor = { ts: number; id: number } | null;

async function* paged<P extends { next: Cursor }, T extends { length: number }>(read: (after: Cursor) => Promise<P>, part: (page: P) => T): AsyncGenerator<T> {
  let page = read(null);
  try {
    for (;;) {
      const current = await page;
      if (current.next) page = read(current.next);
      const out = part(current);
      if (out.length > 0) yield out;
      if (!current.next) return;
    }
  } finally {
    // A caller that stops early leaves the prefetched page unread.
    page.catch(() => undefined);
  }
}
