import type { AuditEvent } from '../audit/chain';
import type { Db } from '../store/database';
import { holdRefusal, takeTokenRequest } from './abuse-control';
import { mintAccessToken, verifyAccessToken } from './api-keys';
import type { AccessContext } from './context';
import { effectiveRights } from './delegation';
import { principalStillValid, resolveIngestToken } from './device-credentials';
import { AccessError } from './errors';
import { integrationStillValid, resolveIntegrationToken, type IntegrationOutcome } from './integration-credentials';
import type { Principal } from './principal';
import { accessTokenByJti } from './queries/access-tokens';
import { apiKeyById } from './queries/api-keys';

export type DeviceAuthOutcome = { ok: true; principal: Principal } | { ok: false; reason: 'bad_token' | 'not_authorized'; message: string };

/**
 * What every device listener (MQTT, HTTPS, TCP) uses from access: one
 * credential check, one way to mint Ubidots access tokens, one validity
 * re-check for live connections, and the audit log.
 */
export interface DeviceAuth {
  /**
   * A device token, an ingest token, or an access token minted from an API key.
   * A refusal resolves only after the abuse-control delay for the address, so
   * guessing is slow; a valid token is never delayed or refused because of
   * others' failures from the same address. Given several candidates (MQTT's
   * username and password), the first valid one wins and a refusal counts once.
   */
  authenticate(token: string | undefined | readonly string[], address: string): Promise<DeviceAuthOutcome>;
  /** Ubidots `POST /api/v1.6/auth/token`; null when the key is unknown or revoked (after the refusal delay). */
  mintAccessToken(apiKey: string, address: string): Promise<{ token: string; expiresAt: number } | null>;
  /** Does the credential behind a live connection still hold (revoked, disabled, removed, maker gone)? */
  stillValid(principal: Principal): boolean;
  audit(event: AuditEvent): void;
  /** An app token with MQTT topic patterns (the broker only; docs/INTEGRATIONS.md); refusals delayed like the others. */
  authenticateIntegration(token: string, address: string): Promise<IntegrationOutcome>;
  /** One request from this credential's budget, shared with its console and API calls (abuse-control.ts). */
  takeRequest(principal: Principal): { ok: true } | { ok: false; retryAfterSeconds: number };
}

/** Longer than any token Outpost or an access-token issuer hands out: refused before hashing or verifying. */
const maxTokenLength = 4096;
const jwtShape = /^[\w-]+\.[\w-]+\.[\w-]+$/;

function apiKeyTokenLive(db: Db, p: Extract<Principal, { kind: 'apiKey' }>, now: number): boolean {
  const record = accessTokenByJti(db, p.jti);
  const key = record ? apiKeyById(db, p.orgId, record.apiKeyId) : undefined;
  return record !== undefined && record.revokedAt === null && key !== undefined && key.revokedAt === null && effectiveRights(db, key, now) !== null;
}

export function createDeviceAuth(ctx: AccessContext): DeviceAuth {
  const check = async (token: string): Promise<DeviceAuthOutcome> => {
    if (token.length > maxTokenLength) return { ok: false, reason: 'bad_token', message: 'the token is not a valid Outpost token' };
    const resolved = resolveIngestToken(ctx.db, token);
    if (resolved.ok || resolved.reason !== 'bad_token' || !jwtShape.test(token)) return resolved;
    try {
      const claims = await verifyAccessToken(ctx, token);
      return { ok: true, principal: { kind: 'apiKey', apiKeyId: claims.apiKeyId, orgId: claims.orgId, jti: claims.jti, scopes: claims.scopes, deviceIds: claims.deviceIds } };
    } catch (err) {
      if (!(err instanceof AccessError)) throw err;
      return { ok: false, reason: 'bad_token', message: 'the access token is unknown, expired or revoked' };
    }
  };
  const refuse = async (address: string, outcome: DeviceAuthOutcome & { ok: false }): Promise<DeviceAuthOutcome> => {
    if (outcome.reason === 'bad_token') ctx.abuse.addressFailed(address);
    await holdRefusal(ctx.abuse, address);
    return outcome;
  };
  return {
    async authenticate(token, address) {
      const candidates = (typeof token === 'string' ? [token] : (token ?? [])).filter((t) => t !== '');
      if (candidates.length === 0) return refuse(address, { ok: false, reason: 'bad_token', message: 'no token was sent' });
      let first: DeviceAuthOutcome | undefined;
      for (const candidate of candidates) {
        const outcome = await check(candidate);
        if (outcome.ok) return outcome;
        first ??= outcome;
      }
      return refuse(address, first as DeviceAuthOutcome & { ok: false });
    },
    async mintAccessToken(apiKey, address) {
      if (apiKey && apiKey.length <= maxTokenLength) {
        try {
          return await mintAccessToken(ctx, apiKey, address);
        } catch (err) {
          if (!(err instanceof AccessError)) throw err;
        }
      }
      await refuse(address, { ok: false, reason: 'bad_token', message: 'bad API key' });
      return null;
    },
    async authenticateIntegration(token, address) {
      const outcome = token.length > maxTokenLength ? ({ ok: false, reason: 'bad_token', message: 'the token is not a valid Outpost token' } as const) : await resolveIntegrationToken(ctx, token, address);
      if (outcome.ok) return outcome;
      return (await refuse(address, outcome)) as IntegrationOutcome;
    },
    stillValid(principal) {
      if (principal.kind === 'apiKey') return apiKeyTokenLive(ctx.db, principal, ctx.now());
      if (principal.kind === 'app') return integrationStillValid(ctx, principal);
      return principalStillValid(ctx.db, principal);
    },
    audit: (event) => ctx.audit(event),
    takeRequest: (principal) => takeTokenRequest(ctx, principal),
  };
}
