import { need, type HubModule } from '../hub-context';
import { registerDashboardHandlers } from '../dashboards/handlers';
import { registerHistoryHandlers } from './handlers';
import { maintainRollups, settleRollups } from './rollups';

const settleEveryMs = 60_000;

/** History on rollups (kept in the readings' own commit), charts' series, exports and dashboards. */
export const historyModule: HubModule = (ctx) => {
  need(ctx.services, 'pipeline').addCommitHook(maintainRollups);
  registerHistoryHandlers(ctx.registry, ctx.db);
  registerDashboardHandlers(ctx.registry, ctx.db);
  const settle = () => {
    try {
      settleRollups(ctx.db, Date.now());
    } catch (err) {
      // Busy or full: the buckets stay recent (still read and counted) and the next run tries again.
      ctx.logger.warn({ err }, 'rollups not settled this time');
    }
  };
  const timer = setInterval(settle, settleEveryMs);
  timer.unref();
  ctx.onStop('rollup-settle', () => clearInterval(timer));
};
