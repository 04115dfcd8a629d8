import type { DeviceAuth } from '../../access/device-authenticate';
import type { HubContext } from '../../hub-context';
import { listenerLimits } from '../../security/tls/listener';
import type { DbWatcher } from '../../store/db-watcher';
import { ingestLimits } from '../../../src-shared/reading';
import type { Pipeline } from '../pipeline/pipeline';
import type { HttpsIngestDeps, HttpsRpc } from './exchange';
import { createHttpsIngestServer, defaultHttpsConnectionLimits, defaultHttpsTimeouts } from './server';
import { watchTokenInUrl } from './token-in-url';

export interface HttpsIngestServices {
  pipeline: Pipeline;
  access: DeviceAuth;
  watcher: DbWatcher;
  commands?: HttpsRpc;
}

/** Everything the HTTPS ingest listener needs, from a started hub. */
export function httpsIngestDeps(ctx: HubContext, services: HttpsIngestServices): HttpsIngestDeps {
  return {
    db: ctx.db,
    pipeline: services.pipeline,
    logger: ctx.logger,
    access: services.access,
    tokenInUrl: watchTokenInUrl(ctx, services.watcher),
    maxBodyBytes: ingestLimits.maxPayloadBytes,
    ...(services.commands ? { rpc: services.commands } : {}),
  };
}

/** Ubidots (and, when allowed, ThingsBoard) HTTPS ingest on ctx.config.ports.https. */
export async function startHttpsIngest(ctx: HubContext, services: HttpsIngestServices): Promise<void> {
  const port = ctx.config.ports.https;
  if (port === null) return;
  const limits = listenerLimits(ctx.config, defaultHttpsConnectionLimits.maxConnections);
  const server = createHttpsIngestServer(ctx.tls, httpsIngestDeps(ctx, services), { ...defaultHttpsTimeouts, handshakeMs: limits.handshakeMs }, limits);
  await ctx.bind('https', server, ctx.config.host, port, '--https-port');
}
