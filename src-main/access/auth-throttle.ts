/**
 * Slows down token guessing: after `maxFailures` bad credentials from one
 * address within `windowMs`, that address is refused for a lockout that
 * doubles each time, up to `maxLockoutMs`.
 */
export class AuthThrottle {
  private readonly failures = new Map<string, { count: number; first: number; lockedUntil: number; lockouts: number }>();

  constructor(
    private readonly options = { maxFailures: 10, windowMs: 60_000, baseLockoutMs: 30_000, maxLockoutMs: 30 * 60_000 },
    private readonly clock: () => number = Date.now,
  ) {}

  /** Milliseconds this address must still wait, or 0. */
  blockedFor(address: string): number {
    const f = this.failures.get(address);
    if (!f) return 0;
    return Math.max(0, f.lockedUntil - this.clock());
  }

  fail(address: string): void {
    const now = this.clock();
    let f = this.failures.get(address);
    if (!f || now - f.first > this.options.windowMs) {
      f = { count: 0, first: now, lockedUntil: f?.lockedUntil ?? 0, lockouts: f?.lockouts ?? 0 };
      this.failures.set(address, f);
    }
    f.count += 1;
    if (f.count >= this.options.maxFailures) {
      f.lockedUntil = now + Math.min(this.options.maxLockoutMs, this.options.baseLockoutMs * 2 ** f.lockouts);
      f.lockouts += 1;
      f.count = 0;
      f.first = now;
    }
    if (this.failures.size > 100_000) this.prune(now);
  }

  succeed(address: string): void {
    const f = this.failures.get(address);
    if (f && f.lockedUntil <= this.clock()) this.failures.delete(address);
  }

  private prune(now: number): void {
    for (const [k, f] of this.failures) if (f.lockedUntil < now && now - f.first > this.options.windowMs) this.failures.delete(k);
  }
}
