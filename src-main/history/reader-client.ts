import type { Worker } from 'node:worker_threads';
import { HubError, ServiceError } from '../errors';
import { spawnWorker } from '../store/spawn-worker';
import type { ReadParams, ReadQueryName, ReadResult } from './read-queries';

type Reply = { ready: true; lowered: boolean } | { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { code: string | undefined; message: string; status: number | undefined } };

/**
 * The main thread's handle on the reader thread (reader-worker.ts): a named
 * read (history/read-queries.ts) with plain-data parameters, answered from
 * the reader's own connection without blocking this thread.
 */
export class ReaderClient {
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private worker: Promise<Worker> | undefined;
  private stopped = false;

  /** Whether the thread runs at the lower priority it asked for (a background reader on Linux). */
  priorityLowered = false;

  /** `background`: exports, at a lower CPU priority than ingest and the interactive reader. */
  constructor(private readonly o: { file: string; key: () => Buffer | null; background?: boolean }) {}

  query<N extends ReadQueryName>(name: N, params: ReadParams<N>): Promise<ReadResult<N>> {
    if (this.stopped) return Promise.reject(new Error('the hub is stopping'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.started().then(
        (worker) => worker.postMessage({ id, name, params }),
        (err: Error) => {
          this.waiting.delete(id);
          reject(err);
        },
      );
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const worker = await this.worker?.catch(() => undefined);
    if (!worker) return;
    const exited = new Promise((r) => worker.once('exit', r));
    worker.postMessage({ stop: true });
    await exited;
  }

  /** The thread, started on first use; after it failed or stopped, the next query starts a new one. */
  private started(): Promise<Worker> {
    this.worker ??= this.spawn().catch((err: unknown) => {
      this.worker = undefined;
      throw err;
    });
    return this.worker;
  }

  private spawn(): Promise<Worker> {
    const secret = this.o.key();
    const key = secret ? new Uint8Array(secret) : null;
    secret?.fill(0);
    const worker = spawnWorker({ bundle: 'reader', source: 'src-main/history/reader-worker.ts' }, { workerData: { file: this.o.file, key, background: this.o.background === true } });
    key?.fill(0);
    const fail = (err: Error) => {
      this.worker = undefined;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    return new Promise((resolve, reject) => {
      worker.once('error', (err) => {
        fail(err);
        reject(new HubError('DB_CORRUPT', `The database reader could not start: ${err.message}.`, 'Run `outpost doctor` for details.', { cause: err }));
      });
      worker.once('message', (ready: Reply) => {
        this.priorityLowered = 'ready' in ready && ready.lowered;
        worker.on('message', (m: Reply) => {
          if ('ready' in m) return;
          const w = this.waiting.get(m.id);
          this.waiting.delete(m.id);
          if (m.ok) w?.resolve(m.value);
          else if (m.error.status !== undefined) w?.reject(new ServiceError(m.error.code ?? 'INTERNAL', m.error.message, m.error.status));
          else w?.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
        });
        worker.on('exit', () => fail(new Error('the database reader thread has stopped')));
        resolve(worker);
      });
    });
  }
}
