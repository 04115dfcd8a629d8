import type { HubContext } from '../hub-context';

/** What history needs of the reading pipeline (ingest/pipeline/pipeline.ts): its writer thread's rollup hook and op. */
export interface RollupWriter {
  setCommitHook(name: 'rollups', options: Record<string, never>): void;
  write(name: 'rollups-settle', payload: { now: number }): Promise<unknown>;
}

const settleEveryMs = 60_000;

/**
 * History's background work: rollups kept in the readings' own commit (a
 * writer-thread batch hook, history/rollup-hook.ts) and settled once a minute
 * by a writer op, so this thread never waits on the write lock. The history
 * and dashboard methods are registered with the rest of the API (console/api.ts).
 */
export function startHistory(ctx: HubContext, pipeline: RollupWriter): void {
  pipeline.setCommitHook('rollups', {});
  const settle = () => {
    pipeline.write('rollups-settle', { now: Date.now() }).catch((err: unknown) => {
      // Busy or full: the buckets stay recent (still read and counted) and the next run tries again.
      ctx.logger.warn({ err }, 'rollups not settled this time');
    });
  };
  const timer = setInterval(settle, settleEveryMs);
  timer.unref();
  ctx.onStop('rollup-settle', () => clearInterval(timer));
}
