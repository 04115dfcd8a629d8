import { rollupResolutions, type RollupResolution } from './rollup-buckets';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

/**
 * Bucket widths a chart may use: round numbers, so bucket edges fall on whole
 * seconds, minutes, hours and days (a person reads "15 min" buckets, not
 * "14 min 23 s"). Every width of a minute or more is a whole number of
 * minutes, and every width of an hour or more a whole number of hours, so
 * such buckets are exact sums of rollup buckets.
 */
export const bucketWidths: readonly number[] = [
  1, 2, 5, 10, 20, 50, 100, 200, 500,
  second, 2 * second, 5 * second, 10 * second, 15 * second, 30 * second,
  minute, 2 * minute, 5 * minute, 10 * minute, 15 * minute, 30 * minute,
  hour, 2 * hour, 3 * hour, 6 * hour, 12 * hour,
  day, 2 * day, 7 * day, 14 * day, 28 * day,
];

export interface BucketPlan {
  /** Width of one bucket (ms). */
  step: number;
  /** Start of the first bucket: a multiple of `step`, at or before `from`. */
  origin: number;
  /** Number of buckets; origin + count * step >= to. */
  count: number;
  /** Where the buckets are computed from: stored rollups, or the readings themselves below a minute. */
  source: RollupResolution | 'raw';
}

/**
 * The narrowest round bucket width that keeps [from, to) within `maxPoints`
 * buckets, and the coarsest stored resolution that width is a multiple of.
 */
export function planBuckets(from: number, to: number, maxPoints: number): BucketPlan {
  const wanted = Math.max(1, Math.ceil((to - from) / maxPoints));
  const largest = bucketWidths[bucketWidths.length - 1]!;
  let step = bucketWidths.find((w) => w >= wanted) ?? Math.ceil(wanted / largest) * largest;
  let origin = Math.floor(from / step) * step;
  // Aligning `from` down can add one bucket; widen once if that breaks the limit.
  if (Math.ceil((to - origin) / step) > maxPoints) {
    step = bucketWidths.find((w) => w > step) ?? step * 2;
    origin = Math.floor(from / step) * step;
  }
  const count = Math.max(1, Math.ceil((to - origin) / step));
  const source = [...rollupResolutions].reverse().find((r) => step % r.ms === 0) ?? 'raw';
  return { step, origin, count, source };
}
