import type { Db } from '../../store/database';

/** Records that `subject` (e.g. `app:3`) was used from `address`; true when this is the first time. */
export function markAddressSeen(db: Db, subject: string, address: string, now: number): boolean {
  return db.prepare('INSERT OR IGNORE INTO seen_addresses (subject, address, first_seen) VALUES (?, ?, ?)').run(subject, address, now).changes > 0;
}

export function addressesSeenBy(db: Db, subject: string): { address: string; firstSeen: number }[] {
  return db.prepare('SELECT address, first_seen AS firstSeen FROM seen_addresses WHERE subject = ? ORDER BY first_seen').all(subject) as { address: string; firstSeen: number }[];
}

export function deleteAddressesSeenBy(db: Db, subject: string): number {
  return db.prepare('DELETE FROM seen_addresses WHERE subject = ?').run(subject).changes;
}
