import { EventEmitter } from 'node:events';
import type { Db } from './database';

/**
 * The one "something may have changed" event: credentials revoked, devices
 * disabled or removed, people demoted, settings changed.
 *
 * Commits made by other connections on the same database (the CLI adding a
 * device or revoking a token while the hub runs) are noticed by polling:
 * SQLite bumps `PRAGMA data_version` for a connection when another connection
 * commits, never for its own commits. In the hub the polling instance runs in
 * the writer thread, on the connection that commits every reading
 * (ingest/pipeline/writer-worker.ts): readings commits are its own and never
 * count, so heavy ingest causes no `change` events. Commits by the main
 * thread's connection (console actions) and by other processes do count.
 *
 * On the main thread the watcher is fed by the writer and by this process's
 * own writes (`notify()`), so listeners (live sessions, caches, sync
 * settings) re-check at once instead of at the next poll.
 */
export class DbWatcher extends EventEmitter<{ change: [] }> {
  private timer: NodeJS.Timeout | undefined;
  private last: number;
  private notifyScheduled = false;

  constructor(
    private readonly db: Db | null = null,
    private readonly intervalMs = 250,
  ) {
    super();
    this.setMaxListeners(0);
    this.last = this.version();
  }

  start(): void {
    if (!this.db) return;
    this.timer ??= setInterval(() => this.check(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A change made by this process or seen by the writer thread: one event for every notify in the same turn. */
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
    return this.db ? (this.db.pragma('data_version', { simple: true }) as number) : 0;
  }
}
