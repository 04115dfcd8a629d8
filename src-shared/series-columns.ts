/**
 * A series as columns (what uPlot draws): entry i is time t[i] with the min,
 * max, mean and last of the readings it covers and their count; an entry
 * with count 0 has nulls (a gap). Shared by the hub, which builds series, and
 * the console, which extends them with live readings.
 */
export interface SeriesColumns {
  t: number[];
  min: (number | null)[];
  max: (number | null)[];
  mean: (number | null)[];
  last: (number | null)[];
  count: number[];
}

export function pushEntry(s: SeriesColumns, t: number, min: number | null, max: number | null, mean: number | null, last: number | null, count: number): void {
  s.t.push(t);
  s.min.push(min);
  s.max.push(max);
  s.mean.push(mean);
  s.last.push(last);
  s.count.push(count);
}
