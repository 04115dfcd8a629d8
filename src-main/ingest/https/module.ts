import type { DeviceAuth } from '../../access/device-authenticate';
import type { HubContext } from '../../hub-context';
import { serverTlsOptions } from '../../security/tls/server-options';
import type { DbWatcher } from '../../store/db-watcher';
import { ingestLimits } from '../../../src-shared/reading';
import type { Pipeline } from '../pipeline/pipeline';
import type { HttpsIngestDeps } from './exchange';
import { createHttpsIngestServer } from './server';
import { watchTokenInUrl } from './token-in-url';

export interface HttpsIngestServices {
  pipeline: Pipeline;
  access: DeviceAuth;
  watcher: DbWatcher;
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
  };
}

/** Ubidots (and, when allowed, ThingsBoard) HTTPS ingest on ctx.config.ports.https. */
export async function startHttpsIngest(ctx: HubContext, services: HttpsIngestServices): Promise<void> {
  const port = ctx.config.ports.https;
  if (port === null) return;
  const server = createHttpsIngestServer(serverTlsOptions(ctx.tls), httpsIngestDeps(ctx, services));
  await ctx.bind('https', server, ctx.config.host, port, '--https-port');
}
