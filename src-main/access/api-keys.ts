import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { Scope } from '../../src-shared/permissions';
import { issueToken, parseToken } from '../security/tokens';
import type { AaaContext } from './context';
import { AaaError, notFound } from './errors';
import { accessTokenByJti, insertAccessToken, revokeAccessToken, touchAccessToken } from './queries/access-tokens';
import { apiKeyByHash, apiKeyById, apiKeyByName, apiKeysOfOrg, insertApiKey, revokeApiKey, type ApiKey } from './queries/api-keys';
import type { Actor } from './users';

/** Ubidots: an access token expires after 6 hours without use. */
export const accessTokenIdleMs = 6 * 60 * 60 * 1000;
/** However busy, a token is re-minted at least daily. */
export const accessTokenMaxMs = 24 * 60 * 60 * 1000;

/** What an API key (an account-level Ubidots credential) may do. */
export const apiKeyScopes: readonly Scope[] = ['devices:read', 'readings:read', 'readings:write', 'commands:send'];

export interface ApiKeyView {
  id: number;
  name: string;
  hint: string;
  createdAt: number;
  revoked: boolean;
}

const toView = (k: ApiKey): ApiKeyView => ({ id: k.id, name: k.name, hint: k.hint, createdAt: k.createdAt, revoked: k.revokedAt !== null });

export function createApiKey(ctx: AaaContext, actor: Actor, orgId: number, name: string): { apiKey: ApiKeyView; key: string } {
  if (apiKeyByName(ctx.db, orgId, name)) throw new AaaError('ALREADY_EXISTS', `An API key named "${name}" already exists.`, 'Choose another name, or revoke the old key.', 409);
  const { token, hash, hint } = issueToken('apiKey');
  const id = insertApiKey(ctx.db, { orgId, name, keyHash: hash, hint, now: ctx.now() });
  ctx.audit({ actor: actor.subject, action: 'apikey.create', target: `apikey:${id}`, outcome: 'ok', address: actor.address, detail: { name } });
  return { apiKey: toView(apiKeyById(ctx.db, id)!), key: token };
}

export function listApiKeys(ctx: AaaContext, orgId: number): ApiKeyView[] {
  return apiKeysOfOrg(ctx.db, orgId).map(toView);
}

export function revokeApiKeyByName(ctx: AaaContext, actor: Actor, orgId: number, name: string): ApiKeyView {
  const key = apiKeyByName(ctx.db, orgId, name);
  if (!key) throw notFound(`The API key "${name}"`);
  revokeApiKey(ctx.db, key.id, ctx.now());
  ctx.audit({ actor: actor.subject, action: 'apikey.revoke', target: `apikey:${key.id}`, outcome: 'ok', address: actor.address });
  return toView(apiKeyById(ctx.db, key.id)!);
}

export interface AccessTokenClaims {
  apiKeyId: number;
  orgId: number;
  jti: string;
}

const refused = () => new AaaError('INVALID_TOKEN', 'The access token is not valid: unknown, expired, revoked or altered.', 'Get a new one from POST /api/v1.6/auth/token with your API key.', 401);

/**
 * Ubidots `POST /api/v1.6/auth/token`: trades an API key for a short-lived
 * signed token (HS256 with the hub's token-signing key). Each token has a row,
 * so it can be revoked alone and its idle time tracked.
 */
export async function mintAccessToken(ctx: AaaContext, apiKey: string, remoteAddress: string): Promise<{ token: string; expiresAt: number; jti: string }> {
  const parsed = parseToken(apiKey, ['apiKey']);
  const key = parsed ? apiKeyByHash(ctx.db, parsed.hash) : undefined;
  if (!key || key.revokedAt !== null) {
    ctx.audit({ actor: 'anonymous', action: 'apikey.mint', target: key ? `apikey:${key.id}` : 'unknown', outcome: 'failed', address: remoteAddress });
    throw new AaaError('INVALID_API_KEY', 'The API key is not valid or was revoked.', 'Check the key; an admin can create a new one with `outpost apikey add`.', 401);
  }
  const now = ctx.now();
  const jti = randomUUID();
  const expiresAt = now + accessTokenMaxMs;
  const token = await new SignJWT({ org: key.orgId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(`outpost:${ctx.hubId}`)
    .setSubject(`apikey:${key.id}`)
    .setJti(jti)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(expiresAt / 1000))
    .sign(ctx.keys.tokenSigning);
  insertAccessToken(ctx.db, jti, key.id, now);
  ctx.audit({ actor: `apikey:${key.id}`, action: 'apikey.mint', target: `token:${jti}`, outcome: 'ok', address: remoteAddress });
  return { token, expiresAt, jti };
}

/** Checks signature, issuer and expiry, then the row: revoked, idle for 6 h, or its key revoked all refuse. */
export async function verifyAccessToken(ctx: AaaContext, jwt: string, _remoteAddress: string): Promise<AccessTokenClaims> {
  const now = ctx.now();
  let claims: { sub?: string; jti?: string; org?: unknown };
  try {
    ({ payload: claims } = await jwtVerify(jwt, ctx.keys.tokenSigning, {
      algorithms: ['HS256'],
      issuer: `outpost:${ctx.hubId}`,
      currentDate: new Date(now),
      clockTolerance: 0,
    }));
  } catch {
    throw refused();
  }
  const record = claims.jti ? accessTokenByJti(ctx.db, claims.jti) : undefined;
  const key = record ? apiKeyById(ctx.db, record.apiKeyId) : undefined;
  if (!record || !key || record.revokedAt !== null || key.revokedAt !== null || now - record.lastUsedAt > accessTokenIdleMs || claims.sub !== `apikey:${key.id}`) {
    throw refused();
  }
  touchAccessToken(ctx.db, record.jti, now);
  return { apiKeyId: key.id, orgId: key.orgId, jti: record.jti };
}

export function revokeAccessTokenById(ctx: AaaContext, actor: Actor, orgId: number, jti: string): void {
  const record = accessTokenByJti(ctx.db, jti);
  const key = record ? apiKeyById(ctx.db, record.apiKeyId) : undefined;
  if (!record || key?.orgId !== orgId) throw notFound('That access token');
  revokeAccessToken(ctx.db, jti, ctx.now());
  ctx.audit({ actor: actor.subject, action: 'accesstoken.revoke', target: `token:${jti}`, outcome: 'ok', address: actor.address });
}
