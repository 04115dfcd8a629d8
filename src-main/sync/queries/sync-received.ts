import type { Db } from '../../store/database';

/** Reading ids a site already delivered, keyed by (origin hub of that site, outbox seq). */
export function receivedStatements(db: Db) {
  const findOrigin = db.prepare('SELECT id FROM sync_origins WHERE site_ref = ? AND origin = ?').pluck();
  const insertOrigin = db.prepare('INSERT INTO sync_origins (site_ref, origin) VALUES (?, ?)');
  const has = db.prepare('SELECT 1 FROM sync_received WHERE origin_ref = ? AND seq = ?').pluck();
  const insert = db.prepare('INSERT INTO sync_received (origin_ref, seq, at) VALUES (?, ?, ?)');
  return {
    findOriginRef(siteRef: number, origin: string): number | undefined {
      return findOrigin.get(siteRef, origin) as number | undefined;
    },
    originRef(siteRef: number, origin: string): number {
      const id = findOrigin.get(siteRef, origin) as number | undefined;
      return id ?? Number(insertOrigin.run(siteRef, origin).lastInsertRowid);
    },
    has(originRef: number, seq: number): boolean {
      return has.get(originRef, seq) !== undefined;
    },
    /** Plain INSERT: a second copy of an id means two commits raced, which must fail loudly, not store twice. */
    record(originRef: number, seq: number, at = Date.now()): void {
      insert.run(originRef, seq, at);
    },
  };
}

export function countReceived(db: Db): number {
  return db.prepare('SELECT count(*) FROM sync_received').pluck().get() as number;
}
