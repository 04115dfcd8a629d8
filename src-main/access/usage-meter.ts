import type { Db } from '../store/database';
import { addUsage } from '../audit/queries/accounting';

const hourMs = 3_600_000;

/**
 * Requests and bytes per caller and hour (the accounting table), counted in
 * memory and written in one transaction every few seconds: a console read
 * must not cost a disk write of its own.
 */
export class UsageMeter {
  private pending = new Map<string, { subject: string; hour: number; requests: number; bytesIn: number; bytesOut: number }>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  add(subject: string, bytesIn: number, bytesOut: number): void {
    const now = this.now();
    const hour = now - (now % hourMs);
    const key = `${subject}\u0000${hour}`;
    const entry = this.pending.get(key) ?? { subject, hour, requests: 0, bytesIn: 0, bytesOut: 0 };
    entry.requests += 1;
    entry.bytesIn += bytesIn;
    entry.bytesOut += bytesOut;
    this.pending.set(key, entry);
  }

  /** Writes what was counted; kept for the next try if the write fails (disk full, locked). */
  flush(): void {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      this.db.transaction(() => {
        for (const e of batch.values()) addUsage(this.db, e.subject, e.hour, e.requests, e.bytesIn, e.bytesOut);
      }).immediate();
    } catch (err) {
      for (const [key, e] of batch) {
        const again = this.pending.get(key);
        this.pending.set(key, again ? { ...e, requests: e.requests + again.requests, bytesIn: e.bytesIn + again.bytesIn, bytesOut: e.bytesOut + again.bytesOut } : e);
      }
      throw err;
    }
  }
}
