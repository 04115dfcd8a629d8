import { EventEmitter } from 'node:events';
import type { Db } from './database';

/**
 * Notices commits made by other processes on the same database (the CLI adding
 * a device or revoking a token while the hub runs). SQLite bumps
 * `PRAGMA data_version` for a connection when another connection commits.
 */
export class DbWatcher extends EventEmitter<{ change: [] }> {
  private timer: NodeJS.Timeout | undefined;
  private last: number;

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
