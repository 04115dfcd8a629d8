import type { ApiContract } from '../../../src-shared/api/contract';
import { isScope } from '../../../src-shared/permissions';
import type { Caller, HandlerRegistry } from '../../console/registry';
import { seal, unseal } from '../../security/sealed-secret';
import type { AccessContext } from '../context';
import { AccessError } from '../errors';
import { acceptInvitation } from '../invitations';
import { verifyPassword } from '../passwords';
import type { UserPrincipal } from '../principal';
import { organisationById } from '../queries/organisations';
import { claimTotpStep, updateUser, userById, type User } from '../queries/users';
import { permissionsOf } from '../rights';
import { checkSecondFactor } from '../second-factor';
import { setupOwner } from '../setup-code';
import { login, logout, logoutEverywhere } from '../sessions';
import { base32, newTotpSecret, otpauthUri, totpStep } from '../totp';

function personOf(caller: Caller): UserPrincipal {
  if (caller.principal.kind !== 'user') throw new AccessError('FORBIDDEN', 'Only a signed-in person can do this, not an app, an API key or the CLI.', 'Sign in to the console.', 403);
  return caller.principal;
}

/** Changing one's own second factor needs the password again: a borrowed open session is not enough. */
async function requirePassword(ctx: AccessContext, user: User, password: string): Promise<void> {
  const subject = `login:${user.email.toLowerCase()}`;
  if (ctx.abuse.lockedFor(subject) > 0 || !(await verifyPassword(password, user.passwordHash))) {
    ctx.abuse.failed(subject);
    throw new AccessError('BAD_PASSWORD', 'The password is wrong.', 'Enter your current password.', 403);
  }
  ctx.abuse.succeeded(subject);
}

export function registerAuthHandlers(registry: HandlerRegistry<ApiContract>, ctx: AccessContext): void {
  registry.register('auth.login', (input, call) => login(ctx, input, call.address));
  registry.register('auth.acceptInvite', (input, call) => acceptInvitation(ctx, input, call));
  registry.register('auth.setupOwner', (input, call) => setupOwner(ctx, input, call));
  registry.register('auth.logout', (_input, caller) => {
    const p = personOf(caller);
    caller.audit.target({ kind: 'session', id: p.sessionId });
    logout(ctx, p.sessionId);
    return { ok: true };
  });
  registry.register('auth.logoutEverywhere', (_input, caller) => {
    const p = personOf(caller);
    caller.audit.target({ kind: 'user', id: p.userId });
    const sessionsEnded = logoutEverywhere(ctx, p.userId);
    caller.audit.detail({ sessionsEnded });
    return { sessionsEnded };
  });
  registry.register('auth.me', (_input, caller) => {
    const p = caller.principal;
    const permissions = [...permissionsOf(p)].filter((x) => isScope(x) || x === 'hub:admin');
    // The caller's own account only (what auth.login returned them), so not a personal-data read of someone else.
    const account = p.kind === 'user' ? userById(ctx.db, p.userId) : undefined;
    const org = account ? organisationById(ctx.db, p.orgId) : undefined;
    return {
      kind: p.kind,
      subject: caller.subject,
      orgId: p.orgId,
      role: p.kind === 'user' ? p.role : null,
      permissions,
      hubAdmin: permissions.includes('hub:admin'),
      user: p.kind === 'user' && account && org ? { id: account.id, email: account.email, name: account.name, role: p.role, org: org.slug, hubAdmin: p.hubAdmin } : null,
    };
  });
  registry.register('auth.totpSetup', async (input, caller) => {
    const user = userById(ctx.db, personOf(caller).userId)!;
    caller.audit.target({ kind: 'user', id: user.id, label: user.email });
    await requirePassword(ctx, user, input.password);
    const secret = newTotpSecret();
    updateUser(ctx.db, user.id, { totpPending: seal(ctx.keys.totp, secret, `totp:${user.id}`) });
    return { secret: base32(secret), uri: otpauthUri(secret, user.email) };
  });
  registry.register('auth.totpConfirm', (input, caller) => {
    const user = userById(ctx.db, personOf(caller).userId)!;
    caller.audit.target({ kind: 'user', id: user.id, label: user.email });
    const pending = user.totpPending && unseal(ctx.keys.totp, user.totpPending, `totp:${user.id}`);
    const step = pending ? totpStep(pending, input.code, ctx.now() / 1000) : null;
    if (step === null || !claimTotpStep(ctx.db, user.id, step)) {
      throw new AccessError('BAD_TOTP', 'The code does not match the new secret (or was used already).', 'Check the clock of the device running your authenticator app, then try the next code.');
    }
    updateUser(ctx.db, user.id, { totpSecret: user.totpPending, totpPending: null });
    return { ok: true };
  });
  registry.register('auth.totpDisable', async (input, caller) => {
    const user = userById(ctx.db, personOf(caller).userId)!;
    caller.audit.target({ kind: 'user', id: user.id, label: user.email });
    await requirePassword(ctx, user, input.password);
    if (!user.totpSecret) throw new AccessError('TOTP_NOT_ENABLED', 'Your account has no second factor to turn off.', 'Nothing to do.', 409);
    if (!checkSecondFactor(ctx, user, input.code)) throw new AccessError('BAD_TOTP', 'The code is wrong or was used already.', 'Enter the next code from your authenticator app.');
    updateUser(ctx.db, user.id, { totpSecret: null, totpPending: null });
    return { ok: true };
  });
}
