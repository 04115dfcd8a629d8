import type { RangePreset } from '../../src-shared/api/areas/dashboards';
import type { ChartRange } from '../lib/series-query';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

export const presetSpans: Record<RangePreset, number> = { '15m': 15 * minute, '1h': hour, '24h': day, '7d': 7 * day, '30d': 30 * day, '1y': 365 * day };
export const presetText: Record<RangePreset, string> = { '15m': 'Live 15 min', '1h': '1 h', '24h': '24 h', '7d': '7 d', '30d': '30 d', '1y': '1 y' };
export const presets = Object.keys(presetSpans) as RangePreset[];

export function presetRange(preset: RangePreset): ChartRange {
  return { kind: 'live', span: presetSpans[preset] };
}

/** The times a range covers at `now`. */
export function rangeTimes(range: ChartRange, now = Date.now()): { from: number; to: number } {
  return range.kind === 'live' ? { from: now - range.span, to: now + 1000 } : { from: range.from, to: range.to };
}

/** `YYYY-MM-DDTHH:MM` in local time, for datetime-local inputs. */
export function localInput(ts: number): string {
  const d = new Date(ts - new Date(ts).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}
