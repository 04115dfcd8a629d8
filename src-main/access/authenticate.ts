import { tokenKindOf } from '../../src-shared/tokens';
import { parseToken } from '../security/tokens';
import { verifyAccessToken } from './api-keys';
import type { AccessContext } from './context';
import { appPrincipalNow } from './delegation';
import { AccessError } from './errors';
import type { ConsolePrincipal } from './principal';
import { appByHash, touchApp } from './queries/apps';
import { membership } from './queries/memberships';
import { sessionByHash, touchSession } from './queries/sessions';
import { userById } from './queries/users';
import { sessionIdleMs, touchGranularityMs } from './sessions';

const jwtShape = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export const invalidCredential = () =>
  new AccessError('UNAUTHENTICATED', 'The credential is not valid: unknown, expired or revoked.', 'Sign in again, or use a current token.', 401);

/**
 * Turns a bearer credential into a principal, reading the rows on every call:
 * a revoke, a disable, a role change or a maker's demotion made by any process
 * applies to the very next request. Apps and API-key tokens carry their own
 * grant cut to what their maker holds now. `touch: false` re-checks a
 * credential without counting as use (the live channel's re-check must not
 * keep an idle session alive).
 */
export async function authenticate(ctx: AccessContext, credential: string, options: { touch?: boolean } = {}): Promise<ConsolePrincipal> {
  const touch = options.touch ?? true;
  const now = ctx.now();
  if (jwtShape.test(credential)) {
    const claims = await verifyAccessToken(ctx, credential, { touch });
    return { kind: 'apiKey', apiKeyId: claims.apiKeyId, orgId: claims.orgId, jti: claims.jti, scopes: claims.scopes, deviceIds: claims.deviceIds };
  }
  const kind = tokenKindOf(credential);
  const parsed = parseToken(credential, ['session', 'app']);
  if (!parsed) throw invalidCredential();
  if (kind === 'session') {
    const session = sessionByHash(ctx.db, parsed.hash);
    const user = session && userById(ctx.db, session.userId);
    const member = session && membership(ctx.db, session.userId, session.orgId);
    if (!session || !user || !member || session.revokedAt !== null || user.disabledAt !== null || now >= session.expiresAt || now - session.lastUsedAt > sessionIdleMs) {
      throw invalidCredential();
    }
    if (touch && now - session.lastUsedAt >= touchGranularityMs) touchSession(ctx.db, session.id, now);
    return {
      kind: 'user',
      userId: user.id,
      orgId: session.orgId,
      role: member.role,
      sessionId: session.id,
      hubAdmin: user.hubAdmin,
      allowIps: user.allowIps,
      allowOrigins: user.allowOrigins,
    };
  }
  const app = appByHash(ctx.db, parsed.hash);
  // Revoked, expired, or its maker was revoked, removed or disabled: the app holds nothing any more.
  const principal = app ? appPrincipalNow(ctx.db, app, now) : null;
  if (!app || !principal) throw invalidCredential();
  if (touch && now - (app.lastUsedAt ?? 0) >= touchGranularityMs) touchApp(ctx.db, app.id, now);
  return principal;
}
