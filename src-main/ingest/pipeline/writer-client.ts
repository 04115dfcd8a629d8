import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { HubError } from '../../errors';
import type { Logger } from '../../logging/logger';
import { spawnWorker } from '../../store/spawn-worker';
import { PersistError, toPersistError } from './persist-error';
import type { BatchCommitted, FromWriter, ToWriter, WireBatch, WireError, WriterInit } from './writer-protocol';
import type { BatchHookName, BatchHookOptions, WriteOpName, WriteOpPayload, WriteOpResult } from './writer-registry';

export interface WriterOptions {
  file: string;
  key: Buffer | null;
  logger: Logger;
  /** Another connection committed (seen by the writer thread's DbWatcher). */
  onChange: () => void;
  watchIntervalMs?: number;
}

interface Waiting<T> {
  resolve: (value: T) => void;
  reject: (err: Error) => void;
}

/** The error a failed commit or op carried, with its SQLite code, for toPersistError. */
const carried = (e: WireError) => Object.assign(new Error(e.message), { code: e.code });

/**
 * The main thread's handle on the writer thread (writer-worker.ts): posts
 * batches and ops in order and settles each promise when the thread reports
 * the commit. Never waits on the disk itself.
 */
export class WriterClient {
  private readonly batches = new Map<number, Waiting<BatchCommitted>>();
  private readonly calls = new Map<number, Waiting<unknown>>();
  private nextCall = 1;
  private dead: PersistError | undefined;
  private exited: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly o: WriterOptions,
  ) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    port.on('message', (m: FromWriter) => this.onMessage(m));
    worker.on('error', (err) => this.die(err));
    worker.once('exit', (code) => this.die(new Error(`the writer thread exited (code ${code})`)));
  }

  /** Starts the thread and waits until its connection is open; a failure to open is a HubError like the main connection's. */
  static start(o: WriterOptions): Promise<WriterClient> {
    const { port1, port2 } = new MessageChannel();
    // 100 ms: `PRAGMA data_version` costs microseconds, and a revocation by another process must bite within
    // 1 s even when a busy machine delays the thread's timers and the main thread's re-check.
    const init: WriterInit = { file: o.file, key: o.key ? new Uint8Array(o.key) : null, port: port2, watchIntervalMs: o.watchIntervalMs ?? 100 };
    const worker = spawnWorker({ bundle: 'writer', source: 'src-main/ingest/pipeline/writer-worker.ts' }, { workerData: init, transferList: [port2] });
    init.key?.fill(0); // the worker got its own copy
    return new Promise((resolve, reject) => {
      const failed = (err: Error) => {
        port1.close();
        void worker.terminate();
        reject(err);
      };
      const onError = (err: Error) => failed(new HubError('DB_CORRUPT', `The database writer could not start: ${err.message}.`, 'Run `outpost doctor` for details.', { cause: err }));
      worker.once('error', onError);
      port1.once('message', (m: FromWriter) => {
        worker.off('error', onError);
        if (m.t === 'ready') resolve(new WriterClient(worker, port1, o));
        else if (m.t === 'open-failed') failed(new HubError((m.error.code ?? 'DB_CORRUPT') as HubError['code'], m.error.message, m.error.hint ?? 'Run `outpost doctor` for details.'));
        else failed(new Error(`the writer thread said ${m.t} before it was ready`));
      });
    });
  }

  commit(batch: WireBatch): Promise<BatchCommitted> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.batches.set(batch.id, { resolve, reject });
      this.send({ t: 'batch', batch });
    });
  }

  /** Runs a named write op (writer-registry.ts) in its own transaction on the writer thread. */
  write<N extends WriteOpName>(name: N, payload: WriteOpPayload<N>): Promise<WriteOpResult<N>> {
    return this.call({ t: 'op', id: 0, name, payload }) as Promise<WriteOpResult<N>>;
  }

  setHook<N extends BatchHookName>(name: N, options: BatchHookOptions<N> | null): void {
    this.send({ t: 'hook', name, options });
  }

  forget(): void {
    this.send({ t: 'forget' });
  }

  /** Test hooks: keep every transaction open `commitDelayMs` before COMMIT; run a PRAGMA on the write connection. */
  test(what: { commitDelayMs?: number; pragma?: string }): Promise<unknown> {
    return this.call({ t: 'test', id: 0, ...what });
  }

  async stop(): Promise<void> {
    if (!this.dead) this.send({ t: 'stop' });
    this.dead ??= new PersistError('STORAGE_FAILED', 'The hub is stopping; nothing from this message was stored. Send it again when the hub is back.');
    await this.exited;
  }

  private call(message: Extract<ToWriter, { id: number }>): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextCall++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.send({ ...message, id } as ToWriter);
    });
  }

  private send(message: ToWriter): void {
    this.port.postMessage(message);
  }

  private onMessage(m: FromWriter): void {
    switch (m.t) {
      case 'committed':
        for (const r of m.results) {
          this.batches.get(r.id)?.resolve(r);
          this.batches.delete(r.id);
        }
        return;
      case 'failed': {
        const error = toPersistError(carried(m.error));
        for (const id of m.ids) {
          this.batches.get(id)?.reject(error);
          this.batches.delete(id);
        }
        return;
      }
      case 'op-done': {
        const waiting = this.calls.get(m.id);
        this.calls.delete(m.id);
        if (m.ok) waiting?.resolve(m.value);
        else waiting?.reject(toPersistError(carried(m.error)));
        return;
      }
      case 'test-done':
        this.calls.get(m.id)?.resolve(m.value);
        this.calls.delete(m.id);
        return;
      case 'change':
        this.o.onChange();
        return;
      case 'log':
        this.o.logger[m.level](m.fields, m.msg);
        return;
      case 'ready':
      case 'open-failed':
        return;
    }
  }

  /** The thread is gone: nothing in flight was committed as far as anyone can tell, so nothing is acknowledged. */
  private die(err: Error): void {
    const stopping = this.dead !== undefined;
    this.dead ??= new PersistError('STORAGE_FAILED', 'The hub could not store this message; nothing from it was stored. Send it again; the hub log has details.', { cause: err });
    if (!stopping) this.o.logger.error({ err }, 'the database writer thread stopped');
    for (const w of this.batches.values()) w.reject(this.dead);
    for (const w of this.calls.values()) w.reject(this.dead);
    this.batches.clear();
    this.calls.clear();
  }
}
