/**
 * Gathers what is added during one event-loop turn and hands it over in one
 * call. Session rows are written by the writer thread, one transaction (and
 * one fsync) per write op: 10,000 devices dropping at once (a switch
 * rebooting) were 10,000 ops queued ahead of the readings, and the hub took
 * 32 s to acknowledge a publish again. One op per turn makes that a handful.
 */
export class TurnBatch<T, R> {
  private pending: { item: T; resolve: (r: R) => void; reject: (err: unknown) => void }[] = [];

  /** `flush` answers one result per item, in order. */
  constructor(private readonly flush: (items: T[]) => Promise<R[]>) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (this.pending.push({ item, resolve, reject }) === 1) setImmediate(() => this.run());
    });
  }

  private run(): void {
    const batch = this.pending;
    this.pending = [];
    this.flush(batch.map((p) => p.item)).then(
      (results) => batch.forEach((p, i) => p.resolve(results[i]!)),
      (err: unknown) => batch.forEach((p) => p.reject(err)),
    );
  }
}
