import type { Db } from './database';

/** One row through its mapper, or undefined. Parameters are always bound. */
export function one<R, T>(db: Db, sql: string, map: (row: R) => T, ...params: unknown[]): T | undefined {
  const row = db.prepare(sql).get(...params) as R | undefined;
  return row === undefined ? undefined : map(row);
}

export function all<R, T>(db: Db, sql: string, map: (row: R) => T, ...params: unknown[]): T[] {
  return (db.prepare(sql).all(...params) as R[]).map(map);
}
