import type { Db } from '../store/database';
import { maintainRollups, settleRollups, type RolledReading } from './rollups';

/** Writer-thread batch hook: folds every readings commit into the recent minute rollups, in that commit. */
export function rollupsHook(db: Db, _options: Record<string, never>) {
  return (stored: readonly RolledReading[]): void => maintainRollups(db, stored);
}

/** Writer-thread op: settles closed minute buckets into the settled minute and hour tables. */
export function rollupsSettleOp(db: Db) {
  return (payload: { now: number }): number => settleRollups(db, payload.now);
}
