import { need, type HubModule } from '../hub-context';
import { storedSessionLimits } from '../broker/limits';
import { listenerLimits } from '../security/tls/listener';
import { orgMaxConnections, startOrgListener } from './org-listener';

/**
 * Organisation mode: sites publish their readings to this hub
 * (`outpost/v1/sites/{site}/readings`) and receive commands from it. Off
 * unless a port is given (`outpost serve --sync-org-port N`).
 */
export const syncOrgModule: HubModule = async (ctx) => {
  const port = ctx.config.ports.syncOrg;
  if (port === null) return;
  const org = await startOrgListener({
    db: ctx.db,
    pipeline: need(ctx.services, 'pipeline'),
    logger: ctx.logger,
    tls: ctx.tls,
    host: ctx.config.host,
    port,
    limits: { listener: listenerLimits(ctx.config, orgMaxConnections), connectTimeoutMs: ctx.config.limits.connectTimeoutMs, storedSessions: storedSessionLimits(ctx.config) },
    ...(ctx.services.aaa ? { audit: ctx.services.aaa.ctx.audit } : {}),
    bind: (server) => ctx.bind('sync-org', server, ctx.config.host, port, '--sync-org-port'),
  });
  ctx.services.syncOrg = org;
  // Registered after the listener: the hub stops it first, so its clients are gone before the server closes.
  ctx.onStop('sync-org-broker', () => org.stop());
};
