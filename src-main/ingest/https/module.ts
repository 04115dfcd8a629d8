import type { HubModule } from '../../hub-context';
import { need } from '../../hub-context';
import { listenerLimits } from '../../security/tls/listener';
import { ingestLimits } from '../../../src-shared/reading';
import { ingestPorts } from '../aaa-bridge';
import type { HttpsIngestDeps } from './exchange';
import { createHttpsIngestServer, defaultHttpsConnectionLimits, defaultHttpsTimeouts } from './server';
import { watchTokenInUrl } from './token-in-url';

/** Everything the HTTPS ingest listener needs, from a started hub. */
export function httpsIngestDeps(ctx: Parameters<HubModule>[0]): HttpsIngestDeps {
  const { audit, apiKeys } = ingestPorts(ctx);
  return {
    db: ctx.db,
    pipeline: need(ctx.services, 'pipeline'),
    logger: ctx.logger,
    auth: { db: ctx.db, throttle: need(ctx.services, 'deviceAuthThrottle'), apiKeys },
    audit,
    apiKeys,
    tokenInUrl: watchTokenInUrl(ctx),
    maxBodyBytes: ingestLimits.maxPayloadBytes,
  };
}

/** Ubidots (and, when allowed, ThingsBoard) HTTPS ingest on ctx.config.ports.https. */
export const httpsIngestModule: HubModule = async (ctx) => {
  const port = ctx.config.ports.https;
  if (port === null) return;
  const limits = listenerLimits(ctx.config, defaultHttpsConnectionLimits.maxConnections);
  const server = createHttpsIngestServer(ctx.tls, httpsIngestDeps(ctx), { ...defaultHttpsTimeouts, handshakeMs: limits.handshakeMs }, limits);
  await ctx.bind('https', server, ctx.config.host, port, '--https-port');
};
