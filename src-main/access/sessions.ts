import { issueToken } from '../security/tokens';
import type { AaaContext } from './context';
import { AaaError } from './errors';
import { addressAllowed } from './ip-allowlist';
import { Lockout } from './lockout';
import { redirectAllowed } from './origins';
import { verifyPassword } from './passwords';
import { membershipsOfUser } from './queries/memberships';
import { insertSession, revokeSession, revokeSessionsOfUser } from './queries/sessions';
import { userByEmail } from './queries/users';
import { unseal } from '../security/sealed-secret';
import { verifyTotp } from './totp';
import type { Role } from '../../src-shared/permissions';

/** A session that is not used for this long ends (the issue's 6 h idle expiry). */
export const sessionIdleMs = 6 * 60 * 60 * 1000;

export interface LoginInput {
  email: string;
  password: string;
  totp?: string | undefined;
  org?: string | undefined;
  returnTo?: string | undefined;
}

export interface LoginResult {
  token: string;
  expiresAt: number;
  idleTimeoutSeconds: number;
  user: { id: number; email: string; name: string; role: Role; org: string };
  redirect: string;
}

export function lockout(ctx: AaaContext): Lockout {
  return new Lockout(ctx.db, ctx.now, () => ctx.policy().lockout);
}

function lockedError(ms: number): AaaError {
  const seconds = Math.ceil(ms / 1000);
  return new AaaError('LOCKED_OUT', `Too many failed sign-ins; try again in ${seconds} s.`, 'Wait, then sign in with the right password; an admin can reset it.', 429, {
    'Retry-After': String(seconds),
  });
}

const badCredentials = () => new AaaError('BAD_CREDENTIALS', 'The email, password or one-time code is wrong.', 'Check them and try again.', 401);

/**
 * Password (+ TOTP) login. The same answer for an unknown email and a wrong
 * password, and the same scrypt cost, so neither reveals which accounts exist.
 */
export async function login(ctx: AaaContext, input: LoginInput, address: string): Promise<LoginResult> {
  const policy = ctx.policy();
  if (input.returnTo !== undefined && !redirectAllowed(input.returnTo, policy.redirectAllowlist)) {
    throw new AaaError('REDIRECT_NOT_ALLOWED', 'The return address is not on the redirect allowlist.', 'Use a path on this console, or ask an admin to add the site to settings.redirectAllowlist.');
  }
  const limiter = lockout(ctx);
  const accountSubject = `login:${input.email.toLowerCase()}`;
  const addressSubject = `address:${address}`;
  const locked = Math.max(limiter.lockedFor(accountSubject), limiter.lockedFor(addressSubject));
  if (locked > 0) {
    ctx.audit({ actor: 'anonymous', action: 'auth.login', target: accountSubject, outcome: 'denied', address, detail: { reason: 'locked' } });
    throw lockedError(locked);
  }
  const user = userByEmail(ctx.db, input.email);
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? null);
  const totpOk = !user?.totpSecret || (input.totp !== undefined && verifyTotp(unseal(ctx.keys.totp, user.totpSecret, `totp:${user.id}`), input.totp, ctx.now() / 1000));
  const memberships = user ? membershipsOfUser(ctx.db, user.id) : [];
  const chosen = input.org ? memberships.find((m) => m.orgSlug === input.org) : memberships[0];
  if (!user || !passwordOk || !totpOk || user.disabledAt !== null || !chosen) {
    limiter.fail(accountSubject);
    limiter.fail(addressSubject);
    const reason = !user ? 'unknown-user' : !passwordOk ? 'password' : !totpOk ? 'totp' : user.disabledAt !== null ? 'disabled' : 'no-membership';
    ctx.audit({ actor: user ? `user:${user.id}` : 'anonymous', action: 'auth.login', target: user ? `user:${user.id}` : 'unknown', outcome: 'failed', address, detail: { reason } });
    if (user?.passwordHash && passwordOk && user.totpSecret && input.totp === undefined) {
      throw new AaaError('TOTP_REQUIRED', 'This account needs a one-time code.', 'Enter the 6-digit code from your authenticator app.', 401);
    }
    throw badCredentials();
  }
  if (!addressAllowed(user.allowIps, address)) {
    ctx.audit({ actor: `user:${user.id}`, action: 'auth.login', target: `user:${user.id}`, outcome: 'denied', address, detail: { reason: 'ip-allowlist' } });
    throw new AaaError('ADDRESS_NOT_ALLOWED', 'This account may not sign in from your network address.', 'Ask an admin to add your address to your allowlist.', 403);
  }
  limiter.succeed(accountSubject);
  limiter.succeed(addressSubject);
  const now = ctx.now();
  const { token, hash } = issueToken('session');
  const expiresAt = now + policy.sessionAbsoluteHours * 3_600_000;
  const sessionId = insertSession(ctx.db, { userId: user.id, orgId: chosen.orgId, tokenHash: hash, now, expiresAt });
  ctx.audit({ actor: `user:${user.id}`, action: 'auth.login', target: `session:${sessionId}`, outcome: 'ok', address, detail: { org: chosen.orgSlug } });
  return {
    token,
    expiresAt,
    idleTimeoutSeconds: sessionIdleMs / 1000,
    user: { id: user.id, email: user.email, name: user.name, role: chosen.role, org: chosen.orgSlug },
    redirect: input.returnTo ?? '/',
  };
}

export function logout(ctx: AaaContext, userId: number, sessionId: number, address: string): void {
  revokeSession(ctx.db, sessionId, ctx.now());
  ctx.audit({ actor: `user:${userId}`, action: 'auth.logout', target: `session:${sessionId}`, outcome: 'ok', address });
}

export function logoutEverywhere(ctx: AaaContext, userId: number, address: string): number {
  const ended = revokeSessionsOfUser(ctx.db, userId, ctx.now());
  ctx.audit({ actor: `user:${userId}`, action: 'auth.logoutEverywhere', target: `user:${userId}`, outcome: 'ok', address, detail: { sessions: ended } });
  return ended;
}
