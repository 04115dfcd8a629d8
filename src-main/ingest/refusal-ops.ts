import type { Db } from '../store/database';
import { refusalStatements, type NewRefusal } from './queries/refusals';

/** Writer-thread op: appends recent refusals and trims the table to its bound, in one transaction. */
export function refusalsAppendOp(db: Db) {
  const refusals = refusalStatements(db);
  return (payload: { rows: NewRefusal[] }): void => refusals.append(payload.rows);
}
