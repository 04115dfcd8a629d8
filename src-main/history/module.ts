import { need, type HubModule } from '../hub-context';
import { registerDashboardHandlers } from '../dashboards/handlers';
import { registerHistoryHandlers } from './handlers';
import { maintainRollups } from './rollups';

/** History on rollups (kept in the readings' own commit), charts' series, exports and dashboards. */
export const historyModule: HubModule = (ctx) => {
  need(ctx.services, 'pipeline').addCommitHook(maintainRollups);
  registerHistoryHandlers(ctx.registry, ctx.db);
  registerDashboardHandlers(ctx.registry, ctx.db);
};
