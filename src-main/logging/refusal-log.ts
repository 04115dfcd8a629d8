import type { Logger } from './logger';

export interface RefusalLogOptions {
  /** One summary line per address per interval. */
  intervalMs?: number;
  /** Addresses tracked per interval; refusals from more are summed in one line. */
  maxAddresses?: number;
}

interface Seen {
  /** `event/reason` pairs already logged in full from this address in this interval. */
  logged: Set<string>;
  suppressed: number;
  reasons: Record<string, number>;
}

/**
 * Refusals (a bad CONNECT, a refused PUBLISH, a malformed packet) from one
 * address: the first of each kind (event and reason) in each interval is
 * logged in full, the rest are only counted, and one warning per address per
 * interval gives the count by kind. A client that retries a bad CONNECT thousands of times a
 * second then costs a few log lines a minute instead of one line per
 * attempt, while the accounting tables still count every refusal. Keying by
 * reason too keeps one noisy device behind a NAT from hiding a different
 * problem of its neighbour.
 */
export class RefusalLog {
  private readonly seen = new Map<string, Seen>();
  private overflow: Seen = { logged: new Set(), suppressed: 0, reasons: {} };
  private readonly timer: NodeJS.Timeout;
  private readonly intervalMs: number;
  private readonly maxAddresses: number;

  constructor(
    private readonly logger: Logger,
    options: RefusalLogOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.maxAddresses = options.maxAddresses ?? 10_000;
    this.timer = setInterval(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /**
   * Logs `message` with `fields` (at warn) unless a refusal of this `event`
   * (connect, publish, subscribe, packet, ...) for this `reason` from this
   * address was already logged in this interval.
   */
  refused(address: string, event: string, reason: string, fields: Record<string, unknown>, message: string): void {
    const kind = `${event}/${reason}`;
    let seen = this.seen.get(address);
    if (!seen) {
      if (this.seen.size >= this.maxAddresses) return count(this.overflow, kind);
      this.seen.set(address, (seen = { logged: new Set(), suppressed: 0, reasons: {} }));
    }
    if (seen.logged.has(kind)) return count(seen, kind);
    seen.logged.add(kind);
    this.logger.warn({ ...fields, address, reason }, message);
  }

  /** Writes the summaries of the interval that ends now and starts a new one. */
  flush(): void {
    const seconds = Math.round(this.intervalMs / 1000);
    for (const [address, s] of this.seen) {
      if (s.suppressed > 0) {
        this.logger.warn({ address, refusals: s.suppressed, reasons: s.reasons, intervalS: seconds }, `${s.suppressed} more refusals from ${address} (not logged one by one; counted by reason here)`);
      }
    }
    if (this.overflow.suppressed > 0) {
      this.logger.warn(
        { refusals: this.overflow.suppressed, reasons: this.overflow.reasons, intervalS: seconds },
        `${this.overflow.suppressed} refusals from more than ${this.maxAddresses} other addresses (not logged one by one)`,
      );
    }
    this.seen.clear();
    this.overflow = { logged: new Set(), suppressed: 0, reasons: {} };
  }

  /** Flushes and stops the interval timer. */
  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}

function count(s: Seen, reason: string): void {
  s.suppressed += 1;
  s.reasons[reason] = (s.reasons[reason] ?? 0) + 1;
}

const byLogger = new WeakMap<Logger, RefusalLog>();

/** The refusal log of a hub (one per logger, so every listener shares the per-address budget). */
export function refusalLog(logger: Logger): RefusalLog {
  let log = byLogger.get(logger);
  if (!log) byLogger.set(logger, (log = new RefusalLog(logger)));
  return log;
}

/** Writes the last summaries (hub stopping); a later refusal starts a new log. */
export function closeRefusalLog(logger: Logger): void {
  byLogger.get(logger)?.close();
  byLogger.delete(logger);
}
