import type { Db } from '../store/database';
import type { StoredReading } from '../ingest/pipeline/types';
import { BucketFolder, rollupResolutions } from './rollup-buckets';
import { mergeBuckets, settleBuckets } from './queries/rollups';

/**
 * Pipeline commit hook: folds the readings of one commit into the rollup
 * tables inside that same transaction, so a rollup never counts a reading
 * that was not stored, nor misses one that was.
 *
 * A pure function of (db, stored): no state outside the database, so it can
 * run wherever the commit runs (the commit may move to a worker thread).
 * Readings of one batch are folded in memory first: a batch of 1 Hz readings
 * touches one or two buckets per variable, so the cost is a few upserts per
 * batch, not one per reading.
 */
export function maintainRollups(db: Db, stored: readonly StoredReading[]): void {
  for (const resolution of rollupResolutions) {
    const folder = new BucketFolder(resolution.ms);
    for (const r of stored) folder.add(r.variableId, r.ts, r.value);
    mergeBuckets(db, resolution.recent, folder.take());
  }
}

/** Buckets are settled once they ended this long ago: readings a little late still find theirs recent. */
export const settleAfterMs = 2 * 60_000;

/**
 * Moves closed buckets from the recent tables to the settled ones, one
 * transaction for both resolutions, so a reader never sees a bucket counted
 * twice or not at all. Run every minute by the history module.
 */
export function settleRollups(db: Db, now: number): number {
  return db.transaction(() => rollupResolutions.reduce((n, r) => n + settleBuckets(db, r, Math.floor((now - settleAfterMs) / r.ms) * r.ms), 0)).immediate();
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
