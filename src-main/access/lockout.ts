import type { Db } from '../store/database';
import { clearLockout, lockoutOf, saveLockout } from './queries/lockouts';

export interface LockoutRule {
  /** Failures allowed before the first lock. */
  threshold: number;
  /** First lock; each further lock doubles it, up to `maxMs`. */
  baseMs: number;
  maxMs: number;
}

export const defaultLockoutRule: LockoutRule = { threshold: 5, baseMs: 30_000, maxMs: 60 * 60_000 };

/**
 * Bad passwords per account and bad credentials per address lock the subject
 * out for a growing time. Stored in the database, so a restart does not reset
 * it and the CLI and the hub see the same state.
 */
export class Lockout {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    private readonly rule: () => LockoutRule,
  ) {}

  /** Milliseconds left on a lock, 0 when the subject may try. */
  lockedFor(subject: string): number {
    const state = lockoutOf(this.db, subject);
    return state ? Math.max(0, state.lockedUntil - this.now()) : 0;
  }

  fail(subject: string): void {
    const now = this.now();
    const rule = this.rule();
    const state = lockoutOf(this.db, subject) ?? { subject, failures: 0, locks: 0, lockedUntil: 0, updatedAt: now };
    state.failures += 1;
    state.updatedAt = now;
    if (state.failures >= rule.threshold) {
      state.lockedUntil = now + Math.min(rule.maxMs, rule.baseMs * 2 ** state.locks);
      state.locks += 1;
      // After a lock the subject gets one try at a time: the next failure locks again, for longer.
      state.failures = rule.threshold - 1;
    }
    saveLockout(this.db, state);
  }

  succeed(subject: string): void {
    clearLockout(this.db, subject);
  }
}
