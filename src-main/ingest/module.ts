import type { HubModule } from '../hub-context';
import { Pipeline } from './pipeline/pipeline';
import { WriterClient } from './pipeline/writer-client';
import { DbWatcher } from '../store/db-watcher';
import { databasePath } from '../lifecycle/data-dir';
import { AuthThrottle } from '../access/auth-throttle';

/**
 * The reading pipeline and what every listener shares; listeners start after
 * this. The write connection lives in the writer thread, which also watches
 * for commits by other connections (store/db-watcher.ts) and reports them
 * here as the watcher's `change`.
 */
export const ingestModule: HubModule = async (ctx) => {
  const watcher = new DbWatcher();
  const writer = await WriterClient.start({
    file: databasePath(ctx.config.dataDir),
    key: ctx.key('database'),
    logger: ctx.logger,
    onChange: () => watcher.notify(),
  });
  ctx.onStop('db-writer', () => writer.stop());
  const pipeline = new Pipeline(ctx.db, writer, ctx.logger);
  watcher.on('change', () => pipeline.invalidateCaches());
  ctx.services.watcher = watcher;
  ctx.services.pipeline = pipeline;
  ctx.services.deviceAuthThrottle = new AuthThrottle();
  // Stopped after the listeners (reverse order): what they handed over is committed first.
  ctx.onStop('pipeline', () => pipeline.drain());
};
