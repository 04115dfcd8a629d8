import type { ApiContract } from '../../../src-shared/api/contract';
import { rolePermissions, scopes } from '../../../src-shared/permissions';
import { addressOf, type HandlerRegistry } from '../../console/registry';
import { apiKeyScopes } from '../api-keys';
import type { AaaContext } from '../context';
import { AaaError } from '../errors';
import { subjectOf } from '../principal';
import { userById, updateUser } from '../queries/users';
import { seal, unseal } from '../../security/sealed-secret';
import { login, logout, logoutEverywhere } from '../sessions';
import { newTotpSecret, base32, otpauthUri, verifyTotp } from '../totp';
import { callerOf, userCaller } from '../caller';

export function registerAuthHandlers(registry: HandlerRegistry<ApiContract>, ctx: AaaContext): void {
  registry.register('auth.login', (input, call) => login(ctx, input, addressOf(call)));
  registry.register('auth.logout', (_input, call) => {
    const { principal, actor } = userCaller(call);
    logout(ctx, principal.userId, principal.sessionId, actor.address);
    return { ok: true };
  });
  registry.register('auth.logoutEverywhere', (_input, call) => {
    const { principal, actor } = userCaller(call);
    return { sessionsEnded: logoutEverywhere(ctx, principal.userId, actor.address) };
  });
  registry.register('auth.me', (_input, call) => {
    const { principal } = callerOf(call);
    const permissions = principal.kind === 'user' ? rolePermissions[principal.role] : principal.kind === 'app' ? principal.scopes.filter((s) => (scopes as readonly string[]).includes(s)) : apiKeyScopes;
    return { kind: principal.kind, subject: subjectOf(principal), orgId: principal.orgId, role: principal.kind === 'user' ? principal.role : null, permissions: [...permissions] };
  });
  registry.register('auth.totpSetup', (_input, call) => {
    const { principal } = userCaller(call);
    const user = userById(ctx.db, principal.userId)!;
    const secret = newTotpSecret();
    updateUser(ctx.db, user.id, { totpPending: seal(ctx.keys.totp, secret, `totp:${user.id}`) });
    return { secret: base32(secret), uri: otpauthUri(secret, user.email) };
  });
  registry.register('auth.totpConfirm', (input, call) => {
    const { principal, actor } = userCaller(call);
    const user = userById(ctx.db, principal.userId)!;
    const pending = user.totpPending && unseal(ctx.keys.totp, user.totpPending, `totp:${user.id}`);
    if (!pending || !verifyTotp(pending, input.code, ctx.now() / 1000)) {
      throw new AaaError('BAD_TOTP', 'The code does not match the new secret.', 'Check the clock of the device running your authenticator app, then try a fresh code.');
    }
    updateUser(ctx.db, user.id, { totpSecret: user.totpPending, totpPending: null });
    ctx.audit({ actor: actor.subject, action: 'auth.totpEnable', target: actor.subject, outcome: 'ok', address: actor.address });
    return { ok: true };
  });
}
