import type { Db } from '../store/database';
import type { StoredReading } from '../ingest/pipeline/types';
import { BucketFolder, minuteMs, recentTable, rollupResolutions } from './rollup-buckets';
import { mergeBuckets, settleBuckets } from './queries/rollups';

/**
 * Pipeline commit hook: folds the readings of one commit into the recent
 * minute rollups inside that same transaction, so a rollup never counts a
 * reading that was not stored, nor misses one that was. Hours are added up
 * from settled minutes (settleRollups), which keeps the commit's extra work
 * to one table.
 *
 * A pure function of (db, stored): no state outside the database, so it can
 * run wherever the commit runs (the commit may move to a worker thread).
 * Readings of one batch are folded in memory first: a batch of 1 Hz readings
 * touches one bucket per variable, so the cost is one update per variable per
 * batch, not one per reading.
 */
export function maintainRollups(db: Db, stored: readonly StoredReading[]): void {
  const folder = new BucketFolder(minuteMs);
  for (const r of stored) folder.add(r.variableId, r.ts, r.value);
  mergeBuckets(db, recentTable, folder.take());
}

/** Buckets are settled once they ended this long ago: readings a little late still find theirs recent. */
export const settleAfterMs = 2 * 60_000;

/**
 * Moves closed minute buckets from the recent table to the settled minute
 * table and adds them into the hourly one, in one transaction, so a reader
 * never sees a reading counted twice or not at all. Run every minute by the
 * history module. Returns how many minute buckets moved.
 */
export function settleRollups(db: Db, now: number): number {
  return db.transaction(() => settleBuckets(db, Math.floor((now - settleAfterMs) / minuteMs) * minuteMs)).immediate();
}

/** Buckets kept in memory before they are written during a backfill. */
const backfillFlushBuckets = 50_000;

/**
 * Builds the rollups from the readings already stored (migration 0008): one
 * pass in index order (variable, ts, id), which is the order BucketFolder
 * needs. Memory stays bounded: buckets are written every 50,000.
 */
export function backfillRollups(db: Db): { readings: number } {
  const folders = rollupResolutions.map((r) => ({ resolution: r, folder: new BucketFolder(r.ms) }));
  const flush = () => {
    for (const { resolution, folder } of folders) mergeBuckets(db, resolution.table, folder.take());
  };
  let readings = 0;
  // Collect in pages by keyset: iterate() keeps the connection busy, and the upserts need it.
  let after: [number, number, number] = [0, 0, 0];
  const page = db
    .prepare('SELECT variable_id, ts, value, id FROM readings WHERE (variable_id, ts, id) > (?, ?, ?) ORDER BY variable_id, ts, id LIMIT 20000')
    .raw(true);
  for (;;) {
    const batch = page.all(...after) as [number, number, number, number][];
    if (batch.length === 0) break;
    for (const [variableId, ts, value] of batch) {
      for (const { folder } of folders) folder.add(variableId, ts, value);
    }
    readings += batch.length;
    const last = batch[batch.length - 1]!;
    after = [last[0], last[1], last[3]];
    if (folders[0]!.folder.size >= backfillFlushBuckets) flush();
  }
  flush();
  return { readings };
}
