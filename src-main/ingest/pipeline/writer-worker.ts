import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { errorCode, errorMessage, isHubError } from '../../errors';
import { hubCheckpointPages, hubLogLimitMiB, mapOpenError, openDatabase, type Db } from '../../store/database';
import { DbWatcher } from '../../store/db-watcher';
import { BatchCommitter } from './batch-commit';
import type { FromWriter, ToWriter, WireBatch, WireError, WriterInit } from './writer-protocol';
import { writeOps, type WriteOpName } from './writer-registry';

/**
 * The writer thread: owns the database's write connection and group commit,
 * so a commit and its fsync never run on the event loop that parses TLS,
 * MQTT and HTTP. The main thread hands over batches (writer-client.ts) and
 * acknowledges each message when this thread reports its batch committed.
 * Batches that arrive while a commit runs wait in the port and are taken
 * together by the next commit (pipelining).
 */

/** A transaction takes at most about this many readings; the rest waits for the next one. */
const maxReadingsPerCommit = 50_000;

const init = workerData as WriterInit;
const port = init.port;
const post = (m: FromWriter) => port.postMessage(m);

function wireError(err: unknown): WireError {
  if (isHubError(err)) return { code: err.code, message: err.message, hint: err.hint };
  return { code: errorCode(err), message: errorMessage(err) };
}

let db: Db;
try {
  // Checkpoints every 10,000 pages (about 40 MiB of log) instead of SQLite's 1,000: commits rewrite the same
  // hot pages (index leaves, rollups, last values) again and again, and a checkpoint copies each page once
  // however often it was rewritten, so fewer checkpoints copy fewer pages. Same bench, alternating runs
  // (bench/ingest/latency.ts, 2026-11-30): 11,100-11,500 10-variable messages/s against 6,400-10,800.
  db = openDatabase({ file: init.file, key: init.key ? Buffer.from(init.key) : null, checkpointPages: hubCheckpointPages, logLimitMiB: hubLogLimitMiB });
} catch (err) {
  post({ t: 'open-failed', error: wireError(mapOpenError(err, init.file)) });
  port.close();
  throw err;
}
const committer = new BatchCommitter(db);
const ops = new Map<WriteOpName, (payload: never) => unknown>();
// Readings commits are this connection's own, so they never count as changes (store/db-watcher.ts).
const watcher = new DbWatcher(db, init.watchIntervalMs);
watcher.on('change', () => {
  committer.forget();
  post({ t: 'change' });
});
watcher.start();

function commitBatches(batches: WireBatch[]): void {
  try {
    post({ t: 'committed', results: committer.commit(batches) });
  } catch (err) {
    let failure = err;
    if (errorCode(err)?.startsWith('SQLITE_CONSTRAINT')) {
      // A variable was deleted by another process since its id was cached: look ids up again.
      committer.forget();
      try {
        post({ t: 'committed', results: committer.commit(batches) });
        return;
      } catch (again) {
        failure = again;
      }
    }
    committer.forget();
    post({ t: 'failed', ids: batches.map((b) => b.id), error: wireError(failure) });
  }
}

function runOp(id: number, name: WriteOpName, payload: unknown): void {
  try {
    let op = ops.get(name);
    if (!op) ops.set(name, (op = writeOps[name](db) as (payload: never) => unknown));
    const value = db.transaction(() => op(payload as never)).immediate();
    post({ t: 'op-done', id, ok: true, value });
  } catch (err) {
    post({ t: 'op-done', id, ok: false, error: wireError(err) });
  }
}

function handle(message: ToWriter): void {
  switch (message.t) {
    case 'batch': {
      const batches = [message.batch];
      let readings = message.batch.values.length;
      let next: ToWriter | undefined;
      // Everything that queued up while the last commit ran goes into this one.
      while (readings < maxReadingsPerCommit) {
        const queued = receiveMessageOnPort(port);
        if (!queued) break;
        const m = queued.message as ToWriter;
        if (m.t !== 'batch') {
          next = m;
          break;
        }
        batches.push(m.batch);
        readings += m.batch.values.length;
      }
      commitBatches(batches);
      if (next) handle(next);
      return;
    }
    case 'op':
      runOp(message.id, message.name, message.payload);
      return;
    case 'hook':
      committer.setHook(message.name, message.options);
      return;
    case 'forget':
      committer.forget();
      return;
    case 'test': {
      if (message.commitDelayMs !== undefined) committer.commitDelayMs = message.commitDelayMs;
      const value = message.pragma ? db.pragma(message.pragma) : null;
      post({ t: 'test-done', id: message.id, value });
      return;
    }
    case 'stop':
      watcher.stop();
      db.close();
      port.close();
      return;
  }
}

port.on('message', handle);
post({ t: 'ready' });
