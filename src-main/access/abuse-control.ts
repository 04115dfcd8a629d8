import type { Db } from '../store/database';
import { clearLockout, lockoutOf, saveLockout } from './queries/lockouts';
import { subjectOf, type Principal } from './principal';

/** A token bucket: `burst` requests at once, refilled at `perSecond`. */
export interface BucketRule {
  burst: number;
  perSecond: number;
}

export interface LockoutRule {
  /** Failures (after decay) before the first lock. */
  threshold: number;
  /** First lock; each further lock doubles it, up to `maxMs`. */
  baseMs: number;
  maxMs: number;
}

export interface AbuseOptions {
  /** Failure counts halve after this long without a new failure. */
  halfLifeMs: number;
  /** Failures from one address before its refusals are slowed down. */
  addressThreshold: number;
  /** First delay on a refusal beyond the threshold; doubles with each further failure, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultAbuseOptions: AbuseOptions = { halfLifeMs: 10 * 60_000, addressThreshold: 10, baseDelayMs: 250, maxDelayMs: 5_000 };

interface Score {
  value: number;
  at: number;
}

/** Entries beyond which idle ones are dropped, so scanning addresses cannot grow memory without bound. */
const maxTracked = 100_000;

/**
 * Abuse control for every path (console, device listeners, CLI sign-ins), in
 * one place:
 * - request rates: token buckets per address and per credential (memory);
 * - accounts and credentials: failures decay over time and lock the account
 *   or credential that failed, for a growing time (stored, so the CLI and a
 *   restart see the same state);
 * - addresses: failures decay too, and only *slow down* further refusals from
 *   that address. An address is never banned: a gateway or NAT in front of
 *   many devices keeps working when one of them has a bad token, and a valid
 *   credential is always answered at once.
 */
export class AbuseControl {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly addresses = new Map<string, Score>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    private readonly lockoutRule: () => LockoutRule,
    private readonly options: AbuseOptions = defaultAbuseOptions,
  ) {}

  /** Takes one request from `key`'s bucket; when none is left, says how many seconds until one is. */
  takeRequest(key: string, rule: BucketRule): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: rule.burst, at: now };
    bucket.tokens = Math.min(rule.burst, bucket.tokens + ((now - bucket.at) / 1000) * rule.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > maxTracked) this.sweepBuckets(rule);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / rule.perSecond)) };
  }

  /** Milliseconds left on the lock of an account or credential (`login:alice@example.com`), 0 when it may try. */
  lockedFor(subject: string): number {
    const state = lockoutOf(this.db, subject);
    return state ? Math.max(0, state.lockedUntil - this.now()) : 0;
  }

  /**
   * A failure of this account or credential: enough of them, not far apart,
   * lock it for a growing time. After a lock the subject is on probation for
   * one half-life: each further failure locks it again, for longer.
   */
  failed(subject: string): void {
    const now = this.now();
    const rule = this.lockoutRule();
    const state = lockoutOf(this.db, subject) ?? { subject, failures: 0, locks: 0, lockedUntil: 0, updatedAt: now };
    const onProbation = state.locks > 0 && now - state.lockedUntil <= this.options.halfLifeMs;
    if (state.locks > 0 && !onProbation) state.locks = 0;
    state.failures = (onProbation ? rule.threshold - 1 : this.decayed(state.failures, state.updatedAt, now)) + 1;
    state.updatedAt = now;
    // Failures moments apart have decayed by a hair: they still count whole.
    if (state.failures >= rule.threshold - 0.01) {
      state.lockedUntil = now + Math.min(rule.maxMs, rule.baseMs * 2 ** state.locks);
      state.locks += 1;
      // After a lock the subject gets one try at a time: the next failure locks again, for longer.
      state.failures = rule.threshold - 1;
    }
    saveLockout(this.db, state);
  }

  succeeded(subject: string): void {
    clearLockout(this.db, subject);
  }

  /** A refused credential from this address. */
  addressFailed(address: string): void {
    const now = this.now();
    const score = this.addresses.get(address);
    this.addresses.set(address, { value: (score ? this.decayed(score.value, score.at, now) : 0) + 1, at: now });
    if (this.addresses.size > maxTracked) this.sweepAddresses(now);
  }

  /**
   * How long to hold back a *refusal* to this address: 0 until it has failed
   * `addressThreshold` times recently, then growing. Guessing slows down;
   * valid credentials from the same address are not delayed.
   */
  refusalDelayMs(address: string): number {
    const score = this.addresses.get(address);
    if (!score) return 0;
    const failures = this.decayed(score.value, score.at, this.now());
    const over = failures - this.options.addressThreshold;
    return over < 0 ? 0 : Math.min(this.options.maxDelayMs, Math.round(this.options.baseDelayMs * 2 ** Math.min(over, 16)));
  }

  /** Failures recently seen from this address (after decay). */
  addressFailures(address: string): number {
    const score = this.addresses.get(address);
    return score ? this.decayed(score.value, score.at, this.now()) : 0;
  }

  private decayed(value: number, at: number, now: number): number {
    return value * 0.5 ** (Math.max(0, now - at) / this.options.halfLifeMs);
  }

  private sweepBuckets(rule: BucketRule): void {
    const now = this.now();
    for (const [key, b] of this.buckets) if (b.tokens + ((now - b.at) / 1000) * rule.perSecond >= rule.burst) this.buckets.delete(key);
  }

  private sweepAddresses(now: number): void {
    for (const [key, s] of this.addresses) if (this.decayed(s.value, s.at, now) < 1) this.addresses.delete(key);
  }
}

/** Waits before answering a refusal (the slow-down part of abuse control). */
export function holdRefusal(abuse: AbuseControl, address: string): Promise<void> {
  const ms = abuse.refusalDelayMs(address);
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms).unref()) : Promise.resolve();
}

/**
 * The one per-credential request budget (security policy `rateLimit.perToken`): console and API calls
 * and the commands an MQTT integration publishes draw from the same bucket.
 */
export function takeTokenRequest(ctx: { abuse: AbuseControl; policy(): { rateLimit: { perToken: BucketRule } } }, principal: Principal): { ok: true } | { ok: false; retryAfterSeconds: number } {
  return ctx.abuse.takeRequest(subjectOf(principal), ctx.policy().rateLimit.perToken);
}
