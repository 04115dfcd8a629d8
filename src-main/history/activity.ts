import type { Db } from '../store/database';
import { deviceCountSince } from './queries/rollups';

const windowMs = 15 * 60_000;

/** Readings per minute of a device over the last 15 minutes (by reading time), from the 1-minute rollups. */
export function readingsPerMinute(db: Db, deviceId: number, now: number): number {
  const since = Math.floor((now - windowMs) / 60_000) * 60_000;
  const count = deviceCountSince(db, deviceId, since, now);
  return Math.round((count / ((now - since) / 60_000)) * 100) / 100;
}
