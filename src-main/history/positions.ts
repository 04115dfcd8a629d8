import type { Db } from '../store/database';
import { cachedStatement } from '../store/statement-cache';
import { rollupRows } from './queries/rollups';
import { countValuesUpTo, rawValues } from './queries/readings';
import { planBuckets } from './plan';
import { requireVariables } from './variables';

export interface Position {
  ts: number;
  lat: number;
  lng: number;
  value: number;
}

/** Ubidots puts coordinates in the context as lat/lng; other firmware says latitude/longitude or lon. */
export function coordinatesOf(context: string | null): { lat: number; lng: number } | null {
  if (context === null) return null;
  let c: Record<string, unknown>;
  try {
    c = JSON.parse(context) as Record<string, unknown>;
  } catch {
    return null;
  }
  const lat = Number(c.lat ?? c.latitude);
  const lng = Number(c.lng ?? c.lon ?? c.longitude);
  if (!Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
  return { lat, lng };
}

/**
 * Where a device was between two times: every reading when there are at most
 * `maxPoints`, else the last reading of each bucket (found through the
 * rollups' last timestamps, one index lookup per bucket).
 */
export function readPositions(db: Db, deviceId: number, label: string, from: number, to: number, maxPoints: number): { unit: string | null; points: Position[] } {
  const [variable] = requireVariables(db, deviceId, [label]);
  const withContext = cachedStatement(db, 'SELECT ts, value, context FROM readings WHERE variable_id = ? AND ts >= ? AND ts < ? ORDER BY ts, id LIMIT ?').raw(true);
  const atTime = cachedStatement(db, 'SELECT ts, value, context FROM readings WHERE variable_id = ? AND ts = ? ORDER BY id DESC LIMIT 1').raw(true);
  let rows: [number, number, string | null][];
  if (countValuesUpTo(db, variable!.id, from, to, maxPoints + 1) <= maxPoints) {
    rows = withContext.all(variable!.id, from, to, maxPoints) as typeof rows;
  } else {
    const plan = planBuckets(from, to, maxPoints);
    const end = plan.origin + plan.count * plan.step;
    const lastTimes = new Map<number, number>();
    if (plan.source === 'raw') {
      for (const [ts] of rawValues(db, variable!.id, from, to, Number.MAX_SAFE_INTEGER)) lastTimes.set(Math.floor((ts - plan.origin) / plan.step), ts);
    } else {
      for (const row of rollupRows(db, plan.source, variable!.id, plan.origin, end)) {
        const k = Math.floor((row[0] - plan.origin) / plan.step);
        lastTimes.set(k, Math.max(lastTimes.get(k) ?? -Infinity, row[5]));
      }
    }
    rows = [...lastTimes.values()].map((ts) => atTime.get(variable!.id, ts) as [number, number, string | null]);
  }
  const points: Position[] = [];
  for (const [ts, value, context] of rows) {
    const at = coordinatesOf(context);
    if (at) points.push({ ts, value, ...at });
  }
  return { unit: variable!.unit, points };
}
