import type { Db } from '../store/database';
import { exportPage, type ExportPage, type ExportPageRequest } from './export-page';
import { readPositions } from './positions';
import type { ReaderClient } from './reader-client';
import { readSeries, type Series, type SeriesRequest } from './series';

export interface PositionsRequest {
  deviceId: number;
  variable: string;
  from: number;
  to: number;
  maxPoints: number;
}

/**
 * The history reads a handler needs (charts, positions, export pages). In the
 * hub they run on reader threads (reader-client.ts), charts on the
 * interactive one and export pages on the bulk one, so a long chart query or
 * an export never holds up the event loop that acknowledges readings; a
 * CLI process reads on its own connection. The same functions run either way.
 */
export interface HistoryReads {
  series(req: SeriesRequest): Promise<Series[]>;
  positions(req: PositionsRequest): Promise<ReturnType<typeof readPositions>>;
  /** The next lines of a raw export (keyset paging per variable, formatted where read). */
  exportPage(req: ExportPageRequest): Promise<ExportPage>;
}

export function historyReads(db: Db, reader?: ReaderClient, bulk?: ReaderClient): HistoryReads {
  if (reader) {
    // Export pages on the bulk reader: a long export is never queued ahead of a chart.
    const pages = bulk ?? reader;
    return {
      series: (req) => reader.query('history.series', req),
      positions: (req) => reader.query('history.positions', req),
      exportPage: (req) => pages.query('history.exportPage', req),
    };
  }
  return {
    series: async (req) => readSeries(db, req),
    positions: async (req) => readPositions(db, req.deviceId, req.variable, req.from, req.to, req.maxPoints),
    exportPage: async (req) => exportPage(db, req),
  };
}
