import type { Db } from '../../store/database';
import { cachedStatement } from '../../store/statement-cache';
import type { RollupBucket, RollupResolution } from '../rollup-buckets';

/**
 * The rollup tables (rollup_1m, rollup_1h; migration 0008). Both have the same
 * shape, so one module serves both; the table name comes from
 * `rollupResolutions`, never from input.
 *
 * Merging a bucket into a stored one: counts and sums add, min and max widen,
 * the earlier first and the later last win. A late or out-of-order reading
 * therefore lands in its own bucket however long after the fact it arrives.
 * On equal timestamps the stored first stays first and the new reading becomes
 * last (it committed later), as in BucketFolder.
 */
function upsertSql(table: string): string {
  return `
    INSERT INTO ${table} (variable_id, bucket, count, sum, min, max, first_ts, first_value, last_ts, last_value)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (variable_id, bucket) DO UPDATE SET
      count = count + excluded.count,
      sum = sum + excluded.sum,
      min = min(min, excluded.min),
      max = max(max, excluded.max),
      first_value = CASE WHEN excluded.first_ts < first_ts THEN excluded.first_value ELSE first_value END,
      first_ts = min(first_ts, excluded.first_ts),
      last_value = CASE WHEN excluded.last_ts >= last_ts THEN excluded.last_value ELSE last_value END,
      last_ts = max(last_ts, excluded.last_ts)`;
}

export function mergeBuckets(db: Db, resolution: RollupResolution, buckets: readonly RollupBucket[]): void {
  const stmt = cachedStatement(db, upsertSql(resolution.table));
  for (const b of buckets) stmt.run(b.variableId, b.bucket, b.count, b.sum, b.min, b.max, b.firstTs, b.firstValue, b.lastTs, b.lastValue);
}

/** [bucket, count, sum, min, max, last_ts, last_value] of one variable in [from, to), oldest first. */
export type RollupRow = [bucket: number, count: number, sum: number, min: number, max: number, lastTs: number, lastValue: number];

export function rollupRows(db: Db, resolution: RollupResolution, variableId: number, from: number, to: number): RollupRow[] {
  return cachedStatement(db, `SELECT bucket, count, sum, min, max, last_ts, last_value FROM ${resolution.table} WHERE variable_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`)
    .raw(true)
    .all(variableId, from, to) as RollupRow[];
}

/** Every stored bucket of one variable, for tests and checks. */
export function allBuckets(db: Db, resolution: RollupResolution, variableId: number): RollupBucket[] {
  return (
    db
      .prepare(
        `SELECT variable_id AS variableId, bucket, count, sum, min, max, first_ts AS firstTs, first_value AS firstValue, last_ts AS lastTs, last_value AS lastValue
         FROM ${resolution.table} WHERE variable_id = ? ORDER BY bucket`,
      )
      .all(variableId) as RollupBucket[]
  );
}
