import type { Db } from '../store/database';
import { cachedStatement } from '../store/statement-cache';

const windowMs = 15 * 60_000;

/** Readings per minute of a device over the last 15 minutes (by reading time), from the 1-minute rollups. */
export function readingsPerMinute(db: Db, deviceId: number, now: number): number {
  const since = Math.floor((now - windowMs) / 60_000) * 60_000;
  const count = cachedStatement(db, 'SELECT coalesce(sum(r.count), 0) FROM rollup_1m r JOIN variables v ON v.id = r.variable_id WHERE v.device_id = ? AND r.bucket >= ? AND r.bucket <= ?')
    .pluck()
    .get(deviceId, since, now) as number;
  return Math.round((count / ((now - since) / 60_000)) * 100) / 100;
}
