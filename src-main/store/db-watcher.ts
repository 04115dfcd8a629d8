import { EventEmitter } from 'node:events';
import type { Db } from './database';

/**
 * The one "something may have changed" event: credentials revoked, devices
 * disabled or removed, people demoted, settings changed. Commits by other
 * processes (the CLI while the hub runs) are noticed by polling: SQLite bumps
 * `PRAGMA data_version` for a connection when another connection commits.
 * Writes made by this process call `notify()`, so listeners (live sessions,
 * caches, sync settings) re-check at once instead of at the next poll.
 */
export class DbWatcher extends EventEmitter<{ change: [] }> {
  private timer: NodeJS.Timeout | undefined;
  private last: number;
  private notifyScheduled = false;

  constructor(
    private readonly db: Db,
    private readonly intervalMs = 250,
  ) {
    super();
    this.setMaxListeners(0);
    this.last = this.version();
  }

  start(): void {
    this.timer ??= setInterval(() => this.check(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A change made by this process: one event for every notify in the same turn. */
  notify(): void {
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    setImmediate(() => {
      this.notifyScheduled = false;
      this.emit('change');
    });
  }

  /** Checks now; returns true when another connection committed since the last check. */
  check(): boolean {
    const v = this.version();
    if (v === this.last) return false;
    this.last = v;
    this.emit('change');
    return true;
  }

  private version(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }
}
