import type { ReaderClient } from '../store/reader-client';

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
export async function* streamReadings(reader: ReaderClient, range: ExportRange): AsyncGenerator<[ts: number, value: number][]> {
  let page = reader.query('readings.page', { ...range, after: null, limit: pageRows });
  try {
    for (;;) {
      const { rows, next } = await page;
      if (next) page = reader.query('readings.page', { ...range, after: next, limit: pageRows });
      if (rows.length > 0) yield rows;
      if (!next) return;
    }
  } finally {
    // A caller that stops early leaves the prefetched page unread.
    page.catch(() => undefined);
  }
}
