import { EventEmitter } from 'node:events';
import type { Db } from './database';

/**
 * Notices commits made by other connections on the same database (the CLI
 * adding a device or revoking a token while the hub runs). SQLite bumps
 * `PRAGMA data_version` for a connection when another connection commits,
 * never for its own commits.
 *
 * In the hub the polling instance runs in the writer thread, on the
 * connection that commits every reading (ingest/pipeline/writer-worker.ts):
 * readings commits are its own and never count, so heavy ingest causes no
 * `change` events. Commits by the main thread's connection (console actions)
 * and by other processes do count. On the main thread the watcher is fed by
 * the writer (`notify`) and by in-process changes.
 */
export class DbWatcher extends EventEmitter<{ change: [] }> {
  private timer: NodeJS.Timeout | undefined;
  private last: number;

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

  /** Checks now; returns true when another connection committed since the last check. */
  check(): boolean {
    const v = this.version();
    if (v === this.last) return false;
    this.last = v;
    this.emit('change');
    return true;
  }

  /** Another part of the hub saw a change (the writer thread, an in-process credential change). */
  notify(): void {
    this.emit('change');
  }

  private version(): number {
    return this.db ? (this.db.pragma('data_version', { simple: true }) as number) : 0;
  }
}
