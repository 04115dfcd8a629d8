import type { HubModule } from '../hub-context';
import { Pipeline } from './pipeline/pipeline';
import { DbWatcher } from '../store/db-watcher';
import { AuthThrottle } from '../access/auth-throttle';

/** The reading pipeline and what every listener shares; listeners start after this. */
export const ingestModule: HubModule = (ctx) => {
  const watcher = new DbWatcher(ctx.db);
  const pipeline = new Pipeline(ctx.db, ctx.logger);
  watcher.on('change', () => pipeline.invalidateCaches());
  watcher.start();
  ctx.services.watcher = watcher;
  ctx.services.pipeline = pipeline;
  ctx.services.deviceAuthThrottle = new AuthThrottle();
  // Stopped after the listeners (reverse order): what they handed over is committed first.
  ctx.onStop('pipeline', () => pipeline.drain());
  ctx.onStop('db-watcher', () => watcher.stop());
};
