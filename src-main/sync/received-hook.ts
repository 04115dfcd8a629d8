import type { Db } from '../store/database';
import { receivedStatements } from './queries/sync-received';
import { storedFlags, type DotKey } from './stored-flags';

/** One reading of a site's batch as the request hook needs it: its outbox seq and what identifies its dot. */
export interface ReceivedReading extends DotKey {
  seq: number;
}

/**
 * Writer-thread request hook: records the ids of the readings of a site's
 * batch that were stored, in the same transaction as those readings (sync
 * de-duplication). A reading left out (refused) is not recorded, so the site
 * may send it again once fixed.
 */
export function syncReceivedHook(db: Db) {
  const received = receivedStatements(db);
  return (payload: { originRef: number; readings: ReceivedReading[] }, stored: readonly DotKey[]): void => {
    storedFlags(payload.readings, stored).forEach((ok, i) => ok && received.record(payload.originRef, payload.readings[i]!.seq));
  };
}

/** Writer-thread op: the id of a (site, origin hub) pair, created on first use. */
export function syncOriginRefOp(db: Db) {
  const received = receivedStatements(db);
  return (payload: { siteRef: number; origin: string }): number => received.originRef(payload.siteRef, payload.origin);
}
