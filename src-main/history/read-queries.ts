import { snapshotInto } from '../store/backup/snapshot';
import type { Db } from '../store/database';
import { exportPage, type ExportPageRequest } from './export-page';
import { lastReadings, readingsInRange } from './queries/readings';
import { readPositions } from './positions';
import type { PositionsRequest } from './reads';
import { readSeries, type SeriesRequest } from './series';

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
  'history.series': (db: Db) => (req: SeriesRequest) => readSeries(db, req),
  'history.positions': (db: Db) => (req: PositionsRequest) => readPositions(db, req.deviceId, req.variable, req.from, req.to, req.maxPoints),
  'history.exportPage': (db: Db) => (req: ExportPageRequest) => exportPage(db, req),
  // A backup's consistent copy (store/backup): VACUUM INTO reads for as long as the copy takes, so not on the event loop.
  'store.snapshot': (db: Db) => (p: { file: string }) => snapshotInto(db, p.file),
} as const;

export type ReadQueryName = keyof typeof readQueries;
export type ReadParams<N extends ReadQueryName> = Parameters<ReturnType<(typeof readQueries)[N]>>[0];
export type ReadResult<N extends ReadQueryName> = ReturnType<ReturnType<(typeof readQueries)[N]>>;
