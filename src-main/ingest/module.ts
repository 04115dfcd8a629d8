import type { HubContext } from '../hub-context';
import type { DbWatcher } from '../store/db-watcher';
import { Pipeline } from './pipeline/pipeline';

/** The reading pipeline every listener shares; listeners start after this. */
export function startIngest(ctx: HubContext, watcher: DbWatcher): Pipeline {
  const pipeline = new Pipeline(ctx.db, ctx.logger);
  // A device removed or disabled (here or by another process) must not stay in the pipeline's caches.
  watcher.on('change', () => pipeline.invalidateCaches());
  // Stopped after the listeners (reverse order): what they handed over is committed first.
  ctx.onStop('pipeline', () => pipeline.drain());
  return pipeline;
}
