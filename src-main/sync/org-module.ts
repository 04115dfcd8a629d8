import type { AccessContext } from '../access/context';
import { storedSessionLimits } from '../broker/limits';
import type { HubContext } from '../hub-context';
import type { Pipeline } from '../ingest/pipeline/pipeline';
import { listenerLimits } from '../security/tls/listener';
import type { DbWatcher } from '../store/db-watcher';
import { orgMaxConnections, startOrgListener, type OrgListener } from './org-listener';

export interface SyncOrgServices {
  pipeline: Pipeline;
  watcher: DbWatcher;
  access: AccessContext;
}

/**
 * Organisation mode: sites publish their readings to this hub
 * (`outpost/v1/sites/{site}/readings`) and receive commands from it. Off
 * unless a port is given (`outpost serve --sync-org-port N`).
 */
export async function startSyncOrg(ctx: HubContext, { pipeline, watcher, access }: SyncOrgServices): Promise<OrgListener | null> {
  const port = ctx.config.ports.syncOrg;
  if (port === null) return null;
  const org = await startOrgListener({
    db: ctx.db,
    pipeline,
    logger: ctx.logger,
    tls: ctx.tls,
    host: ctx.config.host,
    port,
    limits: { listener: listenerLimits(ctx.config, orgMaxConnections), connectTimeoutMs: ctx.config.limits.connectTimeoutMs, storedSessions: storedSessionLimits(ctx.config) },
    audit: access.audit,
    bind: (server) => ctx.bind('sync-org', server, ctx.config.host, port, '--sync-org-port'),
  });
  // A revoked site (`outpost site revoke`, sites.revoke) is disconnected at once.
  const onChange = () => org.recheck();
  watcher.on('change', onChange);
  // Registered after the listener: the hub stops it first, so its clients are gone before the server closes.
  ctx.onStop('sync-org-broker', () => {
    watcher.off('change', onChange);
    return org.stop();
  });
  return org;
}
