import type { RangePreset } from '../../src-shared/api/areas/dashboards';
import { chartWidthIn, pointsFor } from '../charts/chart-width';
import { presets, presetRange, rangeTimes } from '../charts/ranges';

/** A device page's charts as they will first ask for their series (`#/devices/3/30d`; 24 h without a range). */
export interface ChartRoute {
  deviceId: number;
  preset: RangePreset;
  maxPoints: number;
  from: number;
  to: number;
}

/**
 * The charts a page opened at `hash` will draw first, in a viewport this
 * wide, or null on any other page. Computed before anything renders (by the
 * inline boot script and lib/boot.ts) with the same numbers DeviceCharts uses,
 * so the answers fetched early are the ones the charts look up.
 */
export function chartRouteOf(hash: string, viewport: number, now: number): ChartRoute | null {
  const [page, id, range] = hash.replace(/^#\/?/, '').split('/');
  if (page !== 'devices' || !id || !/^\d+$/.test(id)) return null;
  const preset: RangePreset = presets.includes(range as RangePreset) ? (range as RangePreset) : '24h';
  return { deviceId: Number(id), preset, maxPoints: pointsFor(chartWidthIn(viewport)), ...rangeTimes(presetRange(preset), now) };
}
