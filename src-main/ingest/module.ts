import type { HubModule } from '../hub-context';
import { Pipeline } from './pipeline/pipeline';
import { WriterClient } from './pipeline/writer-client';
import { ReaderClient } from '../store/reader-client';
import { DbWatcher } from '../store/db-watcher';
import { databasePath } from '../lifecycle/data-dir';
import { AuthThrottle } from '../access/auth-throttle';
import { forgetCredentials } from '../access/device-credentials';

/**
 * The reading pipeline and what every listener shares; listeners start after
 * this. The write connection lives in the writer thread, which also watches
 * for commits by other connections (store/db-watcher.ts) and reports them
 * here as the watcher's `change`.
 */
export const ingestModule: HubModule = async (ctx) => {
  const watcher = new DbWatcher();
  const file = databasePath(ctx.config.dataDir);
  const key = ctx.key('database');
  const writer = await WriterClient.start({ file, key, logger: ctx.logger, onChange: () => watcher.notify() }).finally(() => key.fill(0));
  ctx.onStop('db-writer', () => writer.stop());
  // Started on first use: most hubs serve no console query for a while, and a thread costs start-up time.
  const reader = new ReaderClient({ file, key: () => ctx.key('database') });
  ctx.onStop('db-reader', () => reader.stop());
  ctx.services.reader = reader;
  const pipeline = new Pipeline(ctx.db, writer, ctx.logger);
  // Registered first: every later listener (session recheck, ...) sees fresh credentials.
  watcher.on('change', () => {
    forgetCredentials(ctx.db);
    pipeline.invalidateCaches();
  });
  ctx.services.watcher = watcher;
  ctx.services.pipeline = pipeline;
  ctx.services.deviceAuthThrottle = new AuthThrottle();
  // Stopped after the listeners (reverse order): what they handed over is committed first.
  ctx.onStop('pipeline', () => pipeline.drain());
};
