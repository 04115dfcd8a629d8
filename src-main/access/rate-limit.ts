/** A token bucket: `burst` requests at once, refilled at `perSecond`. */
export interface BucketRule {
  burst: number;
  perSecond: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * One bucket per key (an address, a token). Kept in memory: a restart forgets
 * them, which only ever lets a client through sooner. Idle buckets that would be
 * full again are dropped so that scanning addresses cannot grow the map.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number) {}

  /** Takes one token; when none is left, says how many seconds until one is. */
  take(key: string, rule: BucketRule): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: rule.burst, at: now };
    bucket.tokens = Math.min(rule.burst, bucket.tokens + ((now - bucket.at) / 1000) * rule.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.sweep(rule);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / rule.perSecond)) };
  }

  private sweep(rule: BucketRule): void {
    const now = this.now();
    for (const [key, b] of this.buckets) if (b.tokens + ((now - b.at) / 1000) * rule.perSecond >= rule.burst) this.buckets.delete(key);
  }
}
