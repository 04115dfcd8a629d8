import type { HubContext } from '../hub-context';
import { forgetCredentials } from '../access/device-credentials';
import { databasePath } from '../lifecycle/data-dir';
import { DbWatcher } from '../store/db-watcher';
import { ReaderClient } from '../history/reader-client';
import { Pipeline } from './pipeline/pipeline';
import { WriterClient } from './pipeline/writer-client';
import { startRefusalRecorder } from './refusal-recorder';
import { TrafficCounters } from './traffic-counters';

export interface Ingest {
  pipeline: Pipeline;
  /** "Something may have changed": commits by other connections (seen by the writer thread) and this process's own writes. */
  watcher: DbWatcher;
  /** The interactive reader thread: console readings queries and charts off the event loop. */
  reader: ReaderClient;
  /** The bulk reader thread: exports, at a lower CPU priority, never queued ahead of a chart. */
  bulkReader: ReaderClient;
  /** Live figures for the Hub page (connected devices, readings per second, refusals by reason). */
  counters: TrafficCounters;
}

/**
 * The reading pipeline and what every listener shares; listeners start after
 * this. The write connection lives in the writer thread, which also watches
 * for commits by other connections (store/db-watcher.ts) and reports them
 * here as the watcher's `change`.
 */
export async function startIngest(ctx: HubContext): Promise<Ingest> {
  const watcher = new DbWatcher();
  const file = databasePath(ctx.config.dataDir);
  const key = ctx.key('database');
  const writer = await WriterClient.start({ file, key, logger: ctx.logger, onChange: () => watcher.notify() }).finally(() => key.fill(0));
  ctx.onStop('db-writer', () => writer.stop());
  // Started on first use: most hubs serve no console query for a while, and a thread costs start-up time.
  const reader = new ReaderClient({ file, key: () => ctx.key('database') });
  ctx.onStop('db-reader', () => reader.stop());
  const bulkReader = new ReaderClient({ file, key: () => ctx.key('database'), background: true });
  ctx.onStop('db-bulk-reader', () => bulkReader.stop());
  const pipeline = new Pipeline(ctx.db, writer, ctx.logger, { maxQueuedReadings: ctx.config.limits.ingestQueueReadings, maxWaitForRoomMs: ctx.config.limits.ingestQueueWaitMs });
  // Registered first: every later listener (session recheck, ...) sees fresh credentials and devices.
  watcher.on('change', () => {
    forgetCredentials(ctx.db);
    pipeline.invalidateCaches();
  });
  // Stopped after the listeners (reverse order): what they handed over is committed first.
  ctx.onStop('pipeline', () => pipeline.stop());
  const refusals = startRefusalRecorder(pipeline, ctx.logger);
  ctx.onStop('refusal-recorder', () => refusals.stop());
  const counters = new TrafficCounters(pipeline);
  ctx.onStop('traffic-counters', () => counters.close());
  return { pipeline, watcher, reader, bulkReader, counters };
}
