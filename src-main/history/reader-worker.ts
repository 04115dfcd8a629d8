import { parentPort, workerData } from 'node:worker_threads';
import { errorCode, errorMessage, ServiceError } from '../errors';
import { openDatabase } from '../store/database';
import { lowerThisThreadPriority } from '../store/thread-priority';
import { readQueries, type ReadQueryName } from './read-queries';

/**
 * A reader thread: a read-only connection for console queries, charts and
 * backups (the interactive reader) or for exports (the bulk reader), so a
 * long read never holds up the event loop that acknowledges readings, nor the
 * writer thread's commits (WAL readers do not block the writer). Requests are
 * answered in order, one at a time.
 */
interface Init {
  file: string;
  key: Uint8Array | null;
  /** The bulk reader: runs at a lower CPU priority, so an export takes the CPU ingest leaves over. */
  background?: boolean;
}

const init = workerData as Init;
// Nice 10 (or the hub's own, if lower): about a tenth of a core's share against a busy normal thread (Linux CFS
// weights), all of an idle one.
const lowered = init.background === true && lowerThisThreadPriority(10);
// Every page read from disk is decrypted; the default 2 MiB cache made a chart redo that for the same
// recent pages on every refresh (bench/series). 64 MiB holds weeks of rollups and recent readings.
const db = openDatabase({ file: init.file, key: init.key ? Buffer.from(init.key) : null, readonly: true, cacheMiB: 64 });
const prepared = new Map<ReadQueryName, (params: never) => unknown>();

parentPort!.on('message', (m: { id: number; name: ReadQueryName; params: unknown } | { stop: true }) => {
  if ('stop' in m) {
    db.close();
    parentPort!.close();
    return;
  }
  try {
    let run = prepared.get(m.name);
    if (!run) prepared.set(m.name, (run = readQueries[m.name](db) as (params: never) => unknown));
    parentPort!.postMessage({ id: m.id, ok: true, value: run(m.params as never) });
  } catch (err) {
    // A refusal (no such variable) crosses with its status, so the caller answers 404 rather than 500.
    const status = err instanceof ServiceError ? err.status : undefined;
    parentPort!.postMessage({ id: m.id, ok: false, error: { code: errorCode(err), message: errorMessage(err), status } });
  }
});
parentPort!.postMessage({ ready: true, lowered });
