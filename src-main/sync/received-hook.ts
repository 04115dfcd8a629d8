import type { Db } from '../store/database';
import { receivedStatements } from './queries/sync-received';

/**
 * Writer-thread request hook: records the reading ids of a site's batch in the
 * same transaction as the readings (sync de-duplication).
 */
export function syncReceivedHook(db: Db) {
  const received = receivedStatements(db);
  return (payload: { originRef: number; seqs: number[] }): void => {
    for (const seq of payload.seqs) received.record(payload.originRef, seq);
  };
}

/** Writer-thread op: the id of a (site, origin hub) pair, created on first use. */
export function syncOriginRefOp(db: Db) {
  const received = receivedStatements(db);
  return (payload: { siteRef: number; origin: string }): number => received.originRef(payload.siteRef, payload.origin);
}
