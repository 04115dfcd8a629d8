/**
 * Rollup buckets: per variable and per fixed interval, the count, sum, min,
 * max and the first and last reading with their timestamps. Kept at two
 * resolutions so a chart of a year reads hours, not 31 million rows.
 */
export const rollupResolutions = [
  { name: '1m', table: 'rollup_1m', ms: 60_000 },
  { name: '1h', table: 'rollup_1h', ms: 3_600_000 },
] as const;

/** Minute buckets written by commits and not yet settled (history/queries/rollups.ts). */
export const recentTable = 'rollup_1m_recent';
export const minuteMs = 60_000;

export type RollupResolution = (typeof rollupResolutions)[number];

export interface RollupBucket {
  variableId: number;
  /** Start of the interval, ms since the epoch (a multiple of the resolution). */
  bucket: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  firstTs: number;
  firstValue: number;
  lastTs: number;
  lastValue: number;
}

/** The interval a timestamp falls in; floor, so times before 1970 land in the right bucket too. */
export function bucketStart(ts: number, ms: number): number {
  return Math.floor(ts / ms) * ms;
}

/**
 * Folds readings into buckets. Readings must come in commit order (id order):
 * on equal timestamps the earlier reading stays first and the later one
 * becomes last, the same rule the variables' last value follows.
 */
export class BucketFolder {
  private readonly buckets = new Map<number, RollupBucket>();

  constructor(readonly ms: number) {}

  get size(): number {
    return this.buckets.size;
  }

  add(variableId: number, ts: number, value: number): void {
    const bucket = bucketStart(ts, this.ms);
    // A number, not a string: this runs for every reading stored. Bucket indexes stay far below 1e8 for any date the pipeline accepts.
    const key = variableId * 1e8 + bucket / this.ms;
    const b = this.buckets.get(key);
    if (!b) {
      this.buckets.set(key, { variableId, bucket, count: 1, sum: value, min: value, max: value, firstTs: ts, firstValue: value, lastTs: ts, lastValue: value });
      return;
    }
    b.count += 1;
    b.sum += value;
    if (value < b.min) b.min = value;
    if (value > b.max) b.max = value;
    if (ts < b.firstTs) {
      b.firstTs = ts;
      b.firstValue = value;
    }
    if (ts >= b.lastTs) {
      b.lastTs = ts;
      b.lastValue = value;
    }
  }

  /** The buckets folded so far; the folder is empty afterwards. */
  take(): RollupBucket[] {
    const out = [...this.buckets.values()];
    this.buckets.clear();
    return out;
  }
}
