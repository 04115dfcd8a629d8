import type { Db } from '../store/database';
import { requireVariables } from './variables';
import { recentRows, settledInBuckets } from './queries/rollups';
import { countValuesUpTo, rawValues, type RawValue } from './queries/readings';
import { planBuckets, type BucketPlan } from './plan';
import { pushEntry as push, type SeriesColumns } from '../../src-shared/series-columns';

export interface SeriesRequest {
  deviceId: number;
  variables: readonly string[];
  from: number;
  to: number;
  maxPoints: number;
}

/**
 * One variable over a time range, column by column (what uPlot draws). In
 * `raw` resolution each entry is one reading (min = max = mean = last); in
 * `1m`/`1h`/`raw-buckets` each entry is one bucket starting at `t`, and an
 * entry whose count is 0 has nulls: a gap in the data.
 */
export interface Series extends SeriesColumns {
  variable: string;
  unit: string | null;
  resolution: 'raw' | 'raw-buckets' | '1m' | '1h';
  /** Bucket width (ms); null for raw readings. */
  bucketMs: number | null;
}

/**
 * Raw readings are returned as they are when the range holds no more than
 * `maxPoints` of them; otherwise buckets, from the rollups when the bucket
 * width allows. Either way a query reads at most a few thousand rows per
 * variable, whatever the range.
 */
export function readSeries(db: Db, req: SeriesRequest): Series[] {
  return requireVariables(db, req.deviceId, req.variables).map((variable) => {
    const base = { variable: variable.label, unit: variable.unit };
    if (countValuesUpTo(db, variable.id, req.from, req.to, req.maxPoints + 1) <= req.maxPoints) {
      return { ...base, ...rawSeries(rawValues(db, variable.id, req.from, req.to, req.maxPoints)) };
    }
    const plan = planBuckets(req.from, req.to, req.maxPoints);
    return { ...base, ...bucketSeries(db, variable.id, plan) };
  });
}

type Columns = Omit<Series, 'variable' | 'unit'>;

/** A gap is drawn where readings are more than this many typical intervals apart. */
const gapFactor = 3;

function rawSeries(rows: readonly RawValue[]): Columns {
  const out: Columns = { resolution: 'raw', bucketMs: null, t: [], min: [], max: [], mean: [], last: [], count: [] };
  const threshold = gapFactor * medianSpacing(rows);
  rows.forEach(([ts, value], i) => {
    const prev = rows[i - 1];
    if (prev && threshold > 0 && ts - prev[0] > threshold) push(out, Math.floor((prev[0] + ts) / 2), null, null, null, null, 0);
    push(out, ts, value, value, value, value, 1);
  });
  return out;
}

function medianSpacing(rows: readonly RawValue[]): number {
  if (rows.length < 3) return 0;
  const gaps = rows.slice(1).map(([ts], i) => ts - rows[i]![0]).sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)]!;
}

function bucketSeries(db: Db, variableId: number, plan: BucketPlan): Columns {
  const { step, origin, count, source } = plan;
  const n = new Array<number>(count).fill(0);
  const sum = new Array<number>(count).fill(0);
  const lo = new Array<number>(count).fill(Infinity);
  const hi = new Array<number>(count).fill(-Infinity);
  const lastTs = new Array<number>(count).fill(-Infinity);
  const last = new Array<number>(count).fill(0);
  const end = origin + count * step;
  if (source === 'raw') {
    // Ordered by (ts, id): a later row with the same ts is the later reading and becomes last.
    for (const [ts, value] of rawValues(db, variableId, origin, end, Number.MAX_SAFE_INTEGER)) {
      const k = Math.floor((ts - origin) / step);
      n[k]! += 1;
      sum[k]! += value;
      if (value < lo[k]!) lo[k] = value;
      if (value > hi[k]!) hi[k] = value;
      lastTs[k] = ts;
      last[k] = value;
    }
  } else {
    const add = (k: number, c: number, s: number, min: number, max: number) => {
      n[k]! += c;
      sum[k]! += s;
      if (min < lo[k]!) lo[k] = min;
      if (max > hi[k]!) hi[k] = max;
    };
    const later = (k: number, lt: number, lv: number) => {
      if (lt >= lastTs[k]!) {
        lastTs[k] = lt;
        last[k] = lv;
      }
    };
    const settled = settledInBuckets(db, source, variableId, origin, step, end);
    for (const [k, c, s, min, max] of settled.sums) add(k, c, s, min, max);
    for (const [k, lt, lv] of settled.lasts) later(k, lt, lv);
    // Recent minutes after settled ones: they are the later commits, and win a tie for last.
    for (const [bucket, c, s, min, max, lt, lv] of recentRows(db, variableId, origin, end)) {
      const k = Math.floor((bucket - origin) / step);
      add(k, c, s, min, max);
      later(k, lt, lv);
    }
  }
  const out: Columns = { resolution: source === 'raw' ? 'raw-buckets' : source.name, bucketMs: step, t: [], min: [], max: [], mean: [], last: [], count: [] };
  for (let k = 0; k < count; k++) {
    const c = n[k]!;
    if (c === 0) push(out, origin + k * step, null, null, null, null, 0);
    else push(out, origin + k * step, lo[k]!, hi[k]!, sum[k]! / c, last[k]!, c);
  }
  return out;
}
