import type { Db } from '../store/database';
import { BucketFolder, minuteMs, recentTable } from './rollup-buckets';
import { mergeBuckets, settleBuckets } from './queries/rollups';

/** What a rollup needs of a stored reading (the pipeline's StoredReading has these and more). */
export interface RolledReading {
  variableId: number;
  ts: number;
  value: number;
}

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
export function maintainRollups(db: Db, stored: readonly RolledReading[]): void {
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
