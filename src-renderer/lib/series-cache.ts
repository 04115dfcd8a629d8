import type { ApiOutput } from '../../src-shared/api/contract';
import type { LiveReading } from '../../src-shared/api/live';
import { pushEntry as push } from '../../src-shared/series-columns';

export type SeriesAnswer = ApiOutput<'readings.series'>;
type Series = SeriesAnswer['series'][number];

/**
 * A live reading added to a cached series: a raw series gets the point, a
 * bucketed one updates its newest bucket or opens the next (empty buckets in
 * between stay gaps). Points older than `keepFrom` scroll out.
 */
export function appendToSeries(answer: SeriesAnswer, readings: readonly LiveReading[], keepFrom: number): SeriesAnswer {
  const series = answer.series.map((s) => {
    const mine = readings.filter((r) => r.variable === s.variable).sort((a, b) => a.ts - b.ts);
    if (mine.length === 0) return s;
    const out: Series = { ...s, t: [...s.t], min: [...s.min], max: [...s.max], mean: [...s.mean], last: [...s.last], count: [...s.count] };
    for (const r of mine) add(out, r);
    const drop = out.t.findIndex((t) => t >= keepFrom);
    if (drop > 0) for (const key of ['t', 'min', 'max', 'mean', 'last', 'count'] as const) out[key].splice(0, drop);
    return out;
  });
  return { ...answer, to: Math.max(answer.to, ...readings.map((r) => r.ts + 1)), series };
}

function add(s: Series, r: LiveReading): void {
  const n = s.t.length;
  const newest = n > 0 ? s.t[n - 1]! : -Infinity;
  if (s.bucketMs === null) {
    // Raw: only newer readings are appended; a late one is picked up at the next refetch.
    if (r.ts < newest) return;
    push(s, r.ts, r.value, r.value, r.value, r.value, 1);
    return;
  }
  const bucket = Math.floor(r.ts / s.bucketMs) * s.bucketMs;
  if (bucket === newest) {
    const i = n - 1;
    const c = s.count[i]!;
    s.min[i] = c ? Math.min(s.min[i]!, r.value) : r.value;
    s.max[i] = c ? Math.max(s.max[i]!, r.value) : r.value;
    s.mean[i] = c ? (s.mean[i]! * c + r.value) / (c + 1) : r.value;
    s.last[i] = r.value;
    s.count[i] = c + 1;
  } else if (bucket > newest) {
    for (let t = newest + s.bucketMs; n > 0 && t < bucket; t += s.bucketMs) push(s, t, null, null, null, null, 0);
    push(s, bucket, r.value, r.value, r.value, r.value, 1);
  }
}
