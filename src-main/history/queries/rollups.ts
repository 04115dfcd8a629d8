import type { Db } from '../../store/database';
import { cachedStatement } from '../../store/statement-cache';
import { recentTable, rollupResolutions, type RollupBucket, type RollupResolution } from '../rollup-buckets';

/**
 * The rollup tables (migration 0008), all with the same columns:
 *
 * - `rollup_1m_recent`, keyed (bucket, variable_id): the only one the commit
 *   hook writes. A commit of a thousand variables' readings touches one run
 *   of neighbouring rows here, not a page per variable, and one table, not two.
 * - `rollup_1m` and `rollup_1h`, keyed (variable_id, bucket): settled
 *   buckets, so a chart reads one variable's run of rows.
 *
 * `settleBuckets` moves closed minutes from recent to `rollup_1m` and adds
 * them into `rollup_1h`, in one transaction; reads add the recent minutes to
 * either (a bucket may be in both while a late reading waits to be settled).
 * Table names are constants, never input.
 *
 * Merging a bucket into a stored one: counts and sums add, min and max widen,
 * the earlier first and the later last win. On equal timestamps the stored
 * first stays first and the incoming last wins: incoming rows were always
 * committed later (recent after settled, a new commit after the stored one).
 */
const columns = 'variable_id, bucket, count, sum, min, max, first_ts, first_value, last_ts, last_value';
const mergeExcluded = `
      count = count + excluded.count,
      sum = sum + excluded.sum,
      min = min(min, excluded.min),
      max = max(max, excluded.max),
      first_value = CASE WHEN excluded.first_ts < first_ts THEN excluded.first_value ELSE first_value END,
      first_ts = min(first_ts, excluded.first_ts),
      last_value = CASE WHEN excluded.last_ts >= last_ts THEN excluded.last_value ELSE last_value END,
      last_ts = max(last_ts, excluded.last_ts)`;

function mergeSql(table: string): string {
  // Positional parameters (faster to bind than named ones); first_ts and last_ts appear twice.
  return `
    UPDATE ${table} SET
      count = count + ?,
      sum = sum + ?,
      min = min(min, ?),
      max = max(max, ?),
      first_value = CASE WHEN ? < first_ts THEN ? ELSE first_value END,
      first_ts = min(first_ts, ?),
      last_value = CASE WHEN ? >= last_ts THEN ? ELSE last_value END,
      last_ts = max(last_ts, ?)
    WHERE bucket = ? AND variable_id = ?`;
}

/**
 * Adds buckets into one table. Most buckets a commit touches exist already
 * (a 1 Hz variable adds to the same minute 60 times), so an UPDATE is tried
 * first and a row is inserted only for a new bucket: one seek, not an upsert's two.
 */
export function mergeBuckets(db: Db, table: string, buckets: readonly RollupBucket[]): void {
  const update = cachedStatement(db, mergeSql(table));
  let insert: ReturnType<typeof cachedStatement> | undefined;
  for (const b of buckets) {
    if (update.run(b.count, b.sum, b.min, b.max, b.firstTs, b.firstValue, b.firstTs, b.lastTs, b.lastValue, b.lastTs, b.bucket, b.variableId).changes === 0) {
      insert ??= cachedStatement(db, `INSERT INTO ${table} (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      insert.run(b.variableId, b.bucket, b.count, b.sum, b.min, b.max, b.firstTs, b.firstValue, b.lastTs, b.lastValue);
    }
  }
}

/** Settled tables take incoming rows as later commits: they win ties for `last`, lose them for `first`. */
function upsertSql(table: string): string {
  return `INSERT INTO ${table} (${columns}) VALUES (@variableId, @bucket, @count, @sum, @min, @max, @firstTs, @firstValue, @lastTs, @lastValue) ON CONFLICT (variable_id, bucket) DO UPDATE SET ${mergeExcluded}`;
}

/** Moves every recent minute that starts before `before` into the settled tables, in the caller's transaction. Returns how many moved. */
export function settleBuckets(db: Db, before: number): number {
  const rows = cachedStatement(db, `SELECT variable_id AS variableId, bucket, count, sum, min, max, first_ts AS firstTs, first_value AS firstValue, last_ts AS lastTs, last_value AS lastValue FROM ${recentTable} WHERE bucket < ?`).all(before) as RollupBucket[];
  if (rows.length === 0) return 0;
  const [minute, hour] = rollupResolutions;
  const toMinutes = cachedStatement(db, upsertSql(minute.table));
  for (const b of rows) toMinutes.run(b);
  // Minutes of one variable and hour cover disjoint times: no ties between them.
  const toHours = cachedStatement(db, upsertSql(hour.table));
  for (const b of foldInto(rows, hour.ms).values()) toHours.run(b);
  return cachedStatement(db, `DELETE FROM ${recentTable} WHERE bucket < ?`).run(before).changes;
}

/** Buckets merged into wider ones (`ms`), by variable. */
function foldInto(rows: readonly RollupBucket[], ms: number): Map<number, RollupBucket> {
  const out = new Map<number, RollupBucket>();
  for (const b of rows) {
    const bucket = Math.floor(b.bucket / ms) * ms;
    const key = b.variableId * 1e8 + bucket / ms;
    const a = out.get(key);
    if (!a) out.set(key, { ...b, bucket });
    else {
      a.count += b.count;
      a.sum += b.sum;
      a.min = Math.min(a.min, b.min);
      a.max = Math.max(a.max, b.max);
      if (b.firstTs < a.firstTs) [a.firstTs, a.firstValue] = [b.firstTs, b.firstValue];
      if (b.lastTs >= a.lastTs) [a.lastTs, a.lastValue] = [b.lastTs, b.lastValue];
    }
  }
  return out;
}

/** [bucket, count, sum, min, max, last_ts, last_value] of one variable in [from, to): settled rows in time order, then recent minutes. */
export type RollupRow = [bucket: number, count: number, sum: number, min: number, max: number, lastTs: number, lastValue: number];

/** `from` and `to` are multiples of the resolution, so the recent minutes read fall inside its buckets. */
export function rollupRows(db: Db, resolution: RollupResolution, variableId: number, from: number, to: number): RollupRow[] {
  const pick = 'SELECT bucket, count, sum, min, max, last_ts, last_value';
  const settled = cachedStatement(db, `${pick} FROM ${resolution.table} WHERE variable_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`).raw(true).all(variableId, from, to) as RollupRow[];
  const recent = recentRows(db, variableId, from, to);
  return recent.length === 0 ? settled : settled.concat(recent);
}

/** [k, count, sum, min, max] and [k, last_ts, last_value] per bucket k of width `step` from `origin`. */
export type SettledSums = [k: number, count: number, sum: number, min: number, max: number];
export type SettledLast = [k: number, lastTs: number, lastValue: number];

/**
 * Settled rollups of one variable added up into buckets of `step` ms by
 * SQLite itself: a week of minutes is 10,080 rows, and summing them in C
 * costs a fraction of handing each row to JavaScript. `last` takes a query of
 * its own: with a single max() SQLite returns the other columns of that row.
 * Parameters arrive as REAL; the casts keep the division an integer one.
 */
export function settledInBuckets(db: Db, resolution: RollupResolution, variableId: number, origin: number, step: number, end: number): { sums: SettledSums[]; lasts: SettledLast[] } {
  const where = `FROM ${resolution.table} WHERE variable_id = @variableId AND bucket >= @origin AND bucket < @end GROUP BY k`;
  const params = { variableId, origin, step, end };
  return {
    sums: cachedStatement(db, `SELECT (bucket - CAST(@origin AS INTEGER)) / CAST(@step AS INTEGER) AS k, sum(count), sum(sum), min(min), max(max) ${where}`).raw(true).all(params) as SettledSums[],
    lasts: cachedStatement(db, `SELECT (bucket - CAST(@origin AS INTEGER)) / CAST(@step AS INTEGER) AS k, max(last_ts), last_value ${where}`).raw(true).all(params) as SettledLast[],
  };
}

/** Recent minutes of one variable in [from, to), as rollupRows gives them. */
export function recentRows(db: Db, variableId: number, from: number, to: number): RollupRow[] {
  return cachedStatement(db, 'SELECT bucket, count, sum, min, max, last_ts, last_value FROM rollup_1m_recent WHERE bucket >= ? AND bucket < ? AND variable_id = ? ORDER BY bucket').raw(true).all(from, to, variableId) as RollupRow[];
}

/** Readings counted for a device from `from` on (both tables), for rates. */
export function deviceCountSince(db: Db, deviceId: number, from: number, to: number): number {
  return cachedStatement(
    db,
    `SELECT coalesce(sum(n), 0) FROM (
       SELECT r.count AS n FROM rollup_1m r JOIN variables v ON v.id = r.variable_id WHERE v.device_id = @deviceId AND r.bucket >= @from AND r.bucket <= @to
       UNION ALL
       SELECT r.count FROM rollup_1m_recent r JOIN variables v ON v.id = r.variable_id WHERE v.device_id = @deviceId AND r.bucket >= @from AND r.bucket <= @to)`,
  )
    .pluck()
    .get({ deviceId, from, to }) as number;
}

/** Every bucket of one variable as a reader sees it (settled and recent minutes added), for tests and checks. */
export function allBuckets(db: Db, resolution: RollupResolution, variableId: number): RollupBucket[] {
  const read = (table: string) =>
    db
      .prepare(`SELECT variable_id AS variableId, bucket, count, sum, min, max, first_ts AS firstTs, first_value AS firstValue, last_ts AS lastTs, last_value AS lastValue FROM ${table} WHERE variable_id = ? ORDER BY bucket`)
      .all(variableId) as RollupBucket[];
  // Settled first, then recent: recent rows are the later commits (foldInto lets the later win a tie for last).
  return [...foldInto([...read(resolution.table), ...read(recentTable)], resolution.ms).values()].sort((x, y) => x.bucket - y.bucket);
}
