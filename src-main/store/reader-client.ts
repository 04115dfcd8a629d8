import type { Worker } from 'node:worker_threads';
import { HubError } from '../errors';
import { spawnWorker } from './spawn-worker';
import type { ReadParams, ReadQueryName, ReadResult } from '../history/read-queries';

type Reply = { ready: true } | { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { code: string | undefined; message: string } };

/**
 * The main thread's handle on the reader thread (reader-worker.ts): a named
 * read (history/read-queries.ts) with plain-data parameters, answered from
 * the reader's own connection without blocking this thread.
 */
export class ReaderClient {
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private gone: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: Reply) => {
      if ('ready' in m) return;
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.ok) w?.resolve(m.value);
      else w?.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
    });
    const fail = (err: Error) => {
      this.gone ??= err;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('the database reader thread has stopped')));
  }

  static start(o: { file: string; key: Buffer | null }): Promise<ReaderClient> {
    const key = o.key ? new Uint8Array(o.key) : null;
    const worker = spawnWorker({ bundle: 'reader', source: 'src-main/store/reader-worker.ts' }, { workerData: { file: o.file, key } });
    key?.fill(0);
    return new Promise((resolve, reject) => {
      worker.once('error', (err) => reject(new HubError('DB_CORRUPT', `The database reader could not start: ${err.message}.`, 'Run `outpost doctor` for details.', { cause: err })));
      worker.once('message', () => resolve(new ReaderClient(worker)));
    });
  }

  query<N extends ReadQueryName>(name: N, params: ReadParams<N>): Promise<ReadResult<N>> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, name, params });
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.worker.once('exit', r));
    this.worker.postMessage({ stop: true });
    await exited;
  }
}
