import type { RejectionReason } from '../../src-shared/reading';
import type { Principal } from '../ingest/pipeline/types';
import type { Db } from '../store/database';
import type { ApiKeyService } from '../ingest/api-key-port';
import type { AuthThrottle } from './auth-throttle';
import { resolveIngestToken } from './device-credentials';

export type AuthOutcome =
  | { ok: true; principal: Principal }
  | { ok: false; reason: Extract<RejectionReason, 'bad_token' | 'not_authorized' | 'rate_limited'>; message: string; retryAfterMs?: number };

export interface AuthDeps {
  db: Db;
  throttle: AuthThrottle;
  apiKeys: () => ApiKeyService | undefined;
}

/** Longer than any token Outpost or an access-token issuer hands out: refused before hashing or verifying. */
const maxTokenLength = 4096;

/**
 * The credential check every listener shares: throttled addresses first (so a
 * locked-out guesser learns nothing), then device/ingest tokens, then
 * short-lived access tokens from the API-key service when there is one.
 */
export async function authenticateDevice(deps: AuthDeps, token: string | undefined, address: string): Promise<AuthOutcome> {
  const wait = deps.throttle.blockedFor(address);
  if (wait > 0) return { ok: false, reason: 'rate_limited', message: `too many bad tokens from ${address}; try again in ${Math.ceil(wait / 1000)} s`, retryAfterMs: wait };
  if (!token) {
    deps.throttle.fail(address);
    return { ok: false, reason: 'bad_token', message: 'no token was sent' };
  }
  if (token.length > maxTokenLength) {
    deps.throttle.fail(address);
    return { ok: false, reason: 'bad_token', message: 'the token is not a valid Outpost token' };
  }
  const resolved = resolveIngestToken(deps.db, token);
  if (resolved.ok) {
    deps.throttle.succeed(address);
    return resolved;
  }
  if (resolved.reason === 'not_authorized') return resolved;
  const verify = deps.apiKeys()?.verifyAccessToken;
  if (verify) {
    const principal = await verify.call(deps.apiKeys(), token, address);
    if (principal) {
      deps.throttle.succeed(address);
      return { ok: true, principal };
    }
  }
  deps.throttle.fail(address);
  return resolved;
}
