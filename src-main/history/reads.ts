import type { Db } from '../store/database';
import { readingPage, type ReadingPageRow } from './queries/readings';
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
 * hub they run on the reader thread (reader-client.ts), so a long chart query
 * or an export never holds up the event loop that acknowledges readings; a
 * CLI process reads on its own connection. The same functions run either way.
 */
export interface HistoryReads {
  series(req: SeriesRequest): Promise<Series[]>;
  positions(req: PositionsRequest): Promise<ReturnType<typeof readPositions>>;
  /** One variable's readings after (afterTs, afterId) and before `to`, oldest first (keyset paging). */
  page(variableId: number, afterTs: number, afterId: number, to: number, limit: number): Promise<ReadingPageRow[]>;
}

export function historyReads(db: Db, reader?: ReaderClient): HistoryReads {
  if (reader) {
    return {
      series: (req) => reader.query('history.series', req),
      positions: (req) => reader.query('history.positions', req),
      page: (variableId, afterTs, afterId, to, limit) => reader.query('history.page', { variableId, afterTs, afterId, to, limit }),
    };
  }
  return {
    series: async (req) => readSeries(db, req),
    positions: async (req) => readPositions(db, req.deviceId, req.variable, req.from, req.to, req.maxPoints),
    page: async (variableId, afterTs, afterId, to, limit) => readingPage(db, variableId, afterTs, afterId, to, limit),
  };
}
