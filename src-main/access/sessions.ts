import { issueToken } from '../security/tokens';
import { holdRefusal } from './abuse-control';
import type { AccessContext } from './context';
import { AccessError } from './errors';
import { addressAllowed } from './ip-allowlist';
import { redirectAllowed } from './origins';
import { verifyPassword } from './passwords';
import { membershipsOfUser } from './queries/memberships';
import { insertSession, revokeSession, revokeSessionsOfUser } from './queries/sessions';
import { userByEmail } from './queries/users';
import { checkSecondFactor } from './second-factor';
import type { Role } from '../../src-shared/permissions';

/** A session that is not used for this long ends (6 h idle expiry). */
export const sessionIdleMs = 6 * 60 * 60 * 1000;

/**
 * "Last used" of a session, app or access token is written at most this often:
 * idle expiry is counted in hours, and a write (with its fsync) on every
 * request would turn every read of the console into a disk write.
 */
export const touchGranularityMs = 60_000;

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
  user: { id: number; email: string; name: string; role: Role; org: string; hubAdmin: boolean };
  redirect: string;
}

function lockedError(ms: number): AccessError {
  const seconds = Math.ceil(ms / 1000);
  return new AccessError('LOCKED_OUT', `Too many failed sign-ins for this account; try again in ${seconds} s.`, 'Wait, then sign in with the right password; an admin can reset it.', 429, {
    'Retry-After': String(seconds),
  });
}

const badCredentials = () => new AccessError('BAD_CREDENTIALS', 'The email, password or one-time code is wrong.', 'Check them and try again.', 401);

/**
 * Password (+ TOTP) login. The same answer for an unknown email and a wrong
 * password, and the same scrypt cost, so neither reveals which accounts exist.
 * Failures lock the *account* for a growing time and slow down further
 * refusals to the address; someone else's mistakes at the same address never
 * stop a person with the right password.
 */
export async function login(ctx: AccessContext, input: LoginInput, address: string): Promise<LoginResult> {
  const policy = ctx.policy();
  if (input.returnTo !== undefined && !redirectAllowed(input.returnTo, policy.redirectAllowlist)) {
    throw new AccessError('REDIRECT_NOT_ALLOWED', 'The return address is not on the redirect allowlist.', 'Use a path on this console, or ask an admin to add the site to settings.redirectAllowlist.');
  }
  const accountSubject = `login:${input.email.toLowerCase()}`;
  const locked = ctx.abuse.lockedFor(accountSubject);
  if (locked > 0) {
    ctx.audit({ actor: 'anonymous', action: 'auth.login', target: accountSubject, orgId: null, outcome: 'denied', address, detail: { reason: 'locked' } });
    await holdRefusal(ctx.abuse, address);
    throw lockedError(locked);
  }
  const user = userByEmail(ctx.db, input.email);
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? null);
  const totpOk = passwordOk && user !== undefined && checkSecondFactor(ctx, user, input.totp);
  const memberships = user ? membershipsOfUser(ctx.db, user.id) : [];
  const chosen = input.org ? memberships.find((m) => m.orgSlug === input.org) : memberships[0];
  if (!user || !passwordOk || !totpOk || user.disabledAt !== null || !chosen) {
    ctx.abuse.failed(accountSubject);
    ctx.abuse.addressFailed(address);
    const reason = !user ? 'unknown-user' : !passwordOk ? 'password' : !totpOk ? 'totp' : user.disabledAt !== null ? 'disabled' : 'no-membership';
    ctx.audit({
      actor: user ? `user:${user.id}` : 'anonymous',
      action: 'auth.login',
      target: user ? `user:${user.id}` : 'unknown',
      targetLabel: user?.email ?? null,
      orgId: user?.homeOrgId ?? null,
      outcome: 'failed',
      address,
      detail: { reason },
    });
    await holdRefusal(ctx.abuse, address);
    if (user?.passwordHash && passwordOk && user.totpSecret && input.totp === undefined) {
      throw new AccessError('TOTP_REQUIRED', 'This account needs a one-time code.', 'Enter the 6-digit code from your authenticator app.', 401);
    }
    throw badCredentials();
  }
  if (!addressAllowed(user.allowIps, address)) {
    ctx.audit({ actor: `user:${user.id}`, action: 'auth.login', target: `user:${user.id}`, targetLabel: user.email, orgId: chosen.orgId, outcome: 'denied', address, detail: { reason: 'ip-allowlist' } });
    throw new AccessError('ADDRESS_NOT_ALLOWED', 'This account may not sign in from your network address.', 'Ask an admin to add your address to your allowlist.', 403);
  }
  ctx.abuse.succeeded(accountSubject);
  const now = ctx.now();
  const { token, hash } = issueToken('session');
  const expiresAt = now + policy.sessionAbsoluteHours * 3_600_000;
  const sessionId = insertSession(ctx.db, { userId: user.id, orgId: chosen.orgId, tokenHash: hash, now, expiresAt });
  ctx.audit({ actor: `user:${user.id}`, action: 'auth.login', target: `session:${sessionId}`, targetLabel: user.email, orgId: chosen.orgId, outcome: 'ok', address, detail: { org: chosen.orgSlug } });
  return {
    token,
    expiresAt,
    idleTimeoutSeconds: sessionIdleMs / 1000,
    user: { id: user.id, email: user.email, name: user.name, role: chosen.role, org: chosen.orgSlug, hubAdmin: user.hubAdmin },
    redirect: input.returnTo ?? '/',
  };
}

export function logout(ctx: AccessContext, sessionId: number): void {
  revokeSession(ctx.db, sessionId, ctx.now());
}

export function logoutEverywhere(ctx: AccessContext, userId: number): number {
  return revokeSessionsOfUser(ctx.db, userId, ctx.now());
}
