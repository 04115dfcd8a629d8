import { tokenKindOf } from '../../src-shared/tokens';
import { parseToken } from '../security/tokens';
import { verifyAccessToken } from './api-keys';
import type { AaaContext } from './context';
import { AaaError } from './errors';
import type { Principal } from './principal';
import { appByHash, touchApp } from './queries/apps';
import { membership } from './queries/memberships';
import { sessionByHash, touchSession } from './queries/sessions';
import { userById } from './queries/users';
import { sessionIdleMs } from './sessions';

const jwtShape = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export const invalidCredential = () =>
  new AaaError('UNAUTHENTICATED', 'The credential is not valid: unknown, expired or revoked.', 'Sign in again, or use a current token.', 401);

/**
 * Turns a bearer credential into a principal, reading the rows on every call:
 * a revoke, a disable or a role change made by the CLI in another process
 * applies to the very next request. `touch: false` re-checks a credential
 * without counting as use (the live channel's periodic check must not keep an
 * idle session alive).
 */
export async function authenticate(ctx: AaaContext, credential: string, address: string, options: { touch?: boolean } = {}): Promise<Principal> {
  const touch = options.touch ?? true;
  if (jwtShape.test(credential)) {
    const claims = await verifyAccessToken(ctx, credential, address);
    return { kind: 'apiKey', apiKeyId: claims.apiKeyId, orgId: claims.orgId, jti: claims.jti };
  }
  const kind = tokenKindOf(credential);
  const parsed = parseToken(credential, ['session', 'app']);
  if (!parsed) throw invalidCredential();
  const now = ctx.now();
  if (kind === 'session') {
    const session = sessionByHash(ctx.db, parsed.hash);
    const user = session && userById(ctx.db, session.userId);
    const member = session && membership(ctx.db, session.userId, session.orgId);
    if (!session || !user || !member || session.revokedAt !== null || user.disabledAt !== null || now >= session.expiresAt || now - session.lastUsedAt > sessionIdleMs) {
      throw invalidCredential();
    }
    if (touch) touchSession(ctx.db, session.id, now);
    return { kind: 'user', userId: user.id, orgId: session.orgId, role: member.role, sessionId: session.id, allowIps: user.allowIps, allowOrigins: user.allowOrigins };
  }
  const app = appByHash(ctx.db, parsed.hash);
  const creator = app?.createdBy != null ? userById(ctx.db, app.createdBy) : undefined;
  if (!app || app.revokedAt !== null || (app.expiresAt !== null && now >= app.expiresAt) || creator?.disabledAt != null) throw invalidCredential();
  if (touch) touchApp(ctx.db, app.id, now);
  return {
    kind: 'app',
    appId: app.id,
    orgId: app.orgId,
    scopes: app.scopes,
    deviceIds: app.deviceIds,
    allowIps: app.allowIps,
    allowOrigins: app.allowOrigins,
    serverOnly: app.serverOnly,
  };
}
