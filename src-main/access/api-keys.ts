import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { isScope, type Scope } from '../../src-shared/permissions';
import type { Caller } from '../console/registry';
import { issueToken, parseToken } from '../security/tokens';
import type { AccessContext } from './context';
import { checkGrant, creatorOf, deviceIdsOf, effectiveRights } from './delegation';
import { AccessError, notFound } from './errors';
import { touchGranularityMs } from './sessions';
import { accessTokenByJti, insertAccessToken, revokeAccessToken, touchAccessToken } from './queries/access-tokens';
import { apiKeyByHash, apiKeyById, apiKeyByName, apiKeysOfOrg, insertApiKey, revokeApiKey, type ApiKey } from './queries/api-keys';

/** Ubidots: an access token expires after 6 hours without use. */
export const accessTokenIdleMs = 6 * 60 * 60 * 1000;
/** However busy, a token is re-minted at least daily. */
export const accessTokenMaxMs = 24 * 60 * 60 * 1000;

/** What an API key (a Ubidots account-level credential) may do unless it is made with fewer scopes. */
export const apiKeyScopes: readonly Scope[] = ['devices:read', 'readings:read', 'readings:write', 'commands:send'];

export interface ApiKeyView {
  id: number;
  name: string;
  hint: string;
  scopes: string[];
  deviceIds: number[] | null;
  createdAt: number;
  revoked: boolean;
}

const toView = (k: ApiKey): ApiKeyView => ({ id: k.id, name: k.name, hint: k.hint, scopes: k.scopes, deviceIds: k.deviceIds, createdAt: k.createdAt, revoked: k.revokedAt !== null });

/** Creates an API key holding no more than its maker: the key is in this answer only. */
export function createApiKey(ctx: AccessContext, caller: Caller, input: { name: string; scopes?: Scope[] | undefined; deviceIds?: number[] | null | undefined }): { apiKey: ApiKeyView; key: string } {
  const scopes = [...new Set(input.scopes ?? apiKeyScopes)];
  const deviceIds = input.deviceIds ?? null;
  checkGrant(ctx.db, caller.principal, { scopes, deviceIds });
  if (apiKeyByName(ctx.db, caller.orgId, input.name)) throw new AccessError('ALREADY_EXISTS', `An API key named "${input.name}" already exists.`, 'Choose another name, or revoke the old key.', 409);
  const { token, hash, hint } = issueToken('apiKey');
  const id = insertApiKey(ctx.db, { orgId: caller.orgId, name: input.name, keyHash: hash, hint, scopes, deviceIds, creator: creatorOf(caller.principal), createdAt: ctx.now() });
  caller.audit.target({ kind: 'apikey', id, label: input.name });
  caller.audit.detail({ scopes, deviceIds });
  return { apiKey: toView(apiKeyById(ctx.db, caller.orgId, id)!), key: token };
}

export function listApiKeys(ctx: AccessContext, orgId: number): ApiKeyView[] {
  return apiKeysOfOrg(ctx.db, orgId).map(toView);
}

export function revokeApiKeyByName(ctx: AccessContext, caller: Caller, name: string): ApiKeyView {
  const key = apiKeyByName(ctx.db, caller.orgId, name);
  if (!key) throw notFound(`The API key "${name}"`);
  caller.audit.target({ kind: 'apikey', id: key.id, label: key.name });
  revokeApiKey(ctx.db, key.id, ctx.now());
  return toView(apiKeyById(ctx.db, caller.orgId, key.id)!);
}

export interface AccessTokenClaims {
  apiKeyId: number;
  orgId: number;
  jti: string;
  /** The key's grant cut to what its maker holds now. */
  scopes: Scope[];
  deviceIds: number[] | null;
}

const refused = () => new AccessError('INVALID_TOKEN', 'The access token is not valid: unknown, expired, revoked or altered.', 'Get a new one from POST /api/v1.6/auth/token with your API key.', 401);

/**
 * Ubidots `POST /api/v1.6/auth/token`: trades an API key for a short-lived
 * signed token (HS256 with the hub's token-signing key). Each token has a row,
 * so it can be revoked alone and its idle time tracked.
 */
export async function mintAccessToken(ctx: AccessContext, apiKey: string, remoteAddress: string): Promise<{ token: string; expiresAt: number; jti: string }> {
  const parsed = parseToken(apiKey, ['apiKey']);
  const key = parsed ? apiKeyByHash(ctx.db, parsed.hash) : undefined;
  const now = ctx.now();
  if (!key || key.revokedAt !== null || !effectiveRights(ctx.db, key, now)) {
    ctx.audit({ actor: 'anonymous', action: 'apikey.mint', target: key ? `apikey:${key.id}` : 'unknown', targetLabel: key?.name ?? null, orgId: key?.orgId ?? null, outcome: 'failed', address: remoteAddress });
    throw new AccessError('INVALID_API_KEY', 'The API key is not valid or was revoked.', 'Check the key; an admin can create a new one with `outpost apikey add`.', 401);
  }
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
  ctx.audit({ actor: `apikey:${key.id}`, action: 'apikey.mint', target: `token:${jti}`, targetLabel: key.name, orgId: key.orgId, outcome: 'ok', address: remoteAddress });
  return { token, expiresAt, jti };
}

/** Checks signature, issuer and expiry, then the rows: revoked, idle for 6 h, its key revoked or its key's maker gone all refuse. */
export async function verifyAccessToken(ctx: AccessContext, jwt: string, options: { touch?: boolean } = {}): Promise<AccessTokenClaims> {
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
  const orgId = typeof claims.org === 'number' ? claims.org : -1;
  const key = record ? apiKeyById(ctx.db, orgId, record.apiKeyId) : undefined;
  if (!record || !key || record.revokedAt !== null || key.revokedAt !== null || now - record.lastUsedAt > accessTokenIdleMs || claims.sub !== `apikey:${key.id}`) {
    throw refused();
  }
  const rights = effectiveRights(ctx.db, key, now);
  if (!rights) throw refused();
  if ((options.touch ?? true) && now - record.lastUsedAt >= touchGranularityMs) touchAccessToken(ctx.db, record.jti, now);
  return { apiKeyId: key.id, orgId: key.orgId, jti: record.jti, scopes: [...rights.permissions].filter(isScope), deviceIds: deviceIdsOf(rights.devices) };
}

export function revokeAccessTokenById(ctx: AccessContext, caller: Caller, jti: string): void {
  const record = accessTokenByJti(ctx.db, jti);
  const key = record ? apiKeyById(ctx.db, caller.orgId, record.apiKeyId) : undefined;
  if (!record || !key) throw notFound('That access token');
  caller.audit.target({ kind: 'token', id: jti, label: key.name });
  revokeAccessToken(ctx.db, jti, ctx.now());
}
