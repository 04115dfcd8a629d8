import type { HubContext } from '../hub-context';
import type { AaaService } from '../access/service';
import { AaaError } from '../access/errors';
import type { ApiKeyService } from './api-key-port';
import { loggingAuditSink, type AuditSink } from './audit-sink';

/**
 * The ingest listeners' ports onto AAA: an explicit `services.audit` /
 * `services.apiKeys` wins; otherwise the AAA service provides both (the
 * tamper-evident audit chain, API-key access tokens); without AAA, audit
 * events go to the log and access tokens are not accepted. Looked up per use:
 * services may start after the listeners.
 */
export function ingestPorts(ctx: HubContext): { audit: () => AuditSink; apiKeys: () => ApiKeyService | undefined } {
  const fallback = loggingAuditSink(ctx.logger);
  let bridged: { aaa: AaaService; audit: AuditSink; apiKeys: ApiKeyService } | undefined;
  const fromAaa = () => {
    const aaa = ctx.services.aaa;
    if (!aaa) return undefined;
    if (bridged?.aaa !== aaa) bridged = { aaa, audit: { record: (e) => aaa.ctx.audit(e) }, apiKeys: apiKeysFromAaa(aaa) };
    return bridged;
  };
  return {
    audit: () => ctx.services.audit ?? fromAaa()?.audit ?? fallback,
    apiKeys: () => ctx.services.apiKeys ?? fromAaa()?.apiKeys,
  };
}

/** AAA refuses with AaaError; the port answers null for "not a valid key or token". */
function apiKeysFromAaa(aaa: AaaService): ApiKeyService {
  const refusedAsNull = async <T>(work: () => Promise<T>): Promise<T | null> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof AaaError && (err.status === 401 || err.status === 403 || err.status === 404)) return null;
      throw err;
    }
  };
  return {
    mintAccessToken: (apiKey, address) => refusedAsNull(() => aaa.mintAccessToken(apiKey, address)),
    async verifyAccessToken(token, address) {
      // Only JWT-shaped strings are worth a signature check.
      if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) return null;
      const claims = await refusedAsNull(() => aaa.verifyAccessToken(token, address));
      // API keys may write readings but not create devices (access/api-keys.ts apiKeyScopes).
      return claims ? { kind: 'internal', orgId: claims.orgId, actor: `apikey:${claims.apiKeyId}`, canCreateDevices: false } : null;
    },
  };
}
