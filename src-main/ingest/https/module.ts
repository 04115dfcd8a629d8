import type { HubModule } from '../../hub-context';
import { need } from '../../hub-context';
import { serverTlsOptions } from '../../security/tls/server-options';
import { ingestLimits } from '../../../src-shared/reading';
import { loggingAuditSink } from '../audit-sink';
import type { HttpsIngestDeps } from './exchange';
import { createHttpsIngestServer } from './server';
import { watchTokenInUrl } from './token-in-url';

/** Everything the HTTPS ingest listener needs, from a started hub. */
export function httpsIngestDeps(ctx: Parameters<HubModule>[0]): HttpsIngestDeps {
  const fallbackAudit = loggingAuditSink(ctx.logger);
  const apiKeys = () => ctx.services.apiKeys;
  return {
    db: ctx.db,
    pipeline: need(ctx.services, 'pipeline'),
    logger: ctx.logger,
    auth: { db: ctx.db, throttle: need(ctx.services, 'deviceAuthThrottle'), apiKeys },
    // Looked up per use: the audit log and API-key service may start after this module.
    audit: () => ctx.services.audit ?? fallbackAudit,
    apiKeys,
    tokenInUrl: watchTokenInUrl(ctx),
    maxBodyBytes: ingestLimits.maxPayloadBytes,
  };
}

/** Ubidots (and, when allowed, ThingsBoard) HTTPS ingest on ctx.config.ports.https. */
export const httpsIngestModule: HubModule = async (ctx) => {
  const port = ctx.config.ports.https;
  if (port === null) return;
  const server = createHttpsIngestServer(serverTlsOptions(ctx.tls), httpsIngestDeps(ctx));
  await ctx.bind('https', server, ctx.config.host, port, '--https-port');
};
