import type { Db } from '../../store/database';
import { one } from '../../store/rows';

interface LockoutRow {
  subject: string;
  failures: number;
  locks: number;
  locked_until: number;
  updated_at: number;
}

export interface LockoutState {
  subject: string;
  failures: number;
  locks: number;
  lockedUntil: number;
  updatedAt: number;
}

const toState = (r: LockoutRow): LockoutState => ({ subject: r.subject, failures: r.failures, locks: r.locks, lockedUntil: r.locked_until, updatedAt: r.updated_at });

export function lockoutOf(db: Db, subject: string): LockoutState | undefined {
  return one(db, 'SELECT * FROM lockouts WHERE subject = ?', toState, subject);
}

export function saveLockout(db: Db, s: LockoutState): void {
  db.prepare(
    `INSERT INTO lockouts (subject, failures, locks, locked_until, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (subject) DO UPDATE SET failures = excluded.failures, locks = excluded.locks, locked_until = excluded.locked_until, updated_at = excluded.updated_at`,
  ).run(s.subject, s.failures, s.locks, s.lockedUntil, s.updatedAt);
}

export function clearLockout(db: Db, subject: string): void {
  db.prepare('DELETE FROM lockouts WHERE subject = ?').run(subject);
}
