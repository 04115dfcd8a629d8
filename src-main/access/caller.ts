import { addressOf, ApiFailure, type CallContext } from '../console/registry';
import type { Principal } from './principal';
import { subjectOf } from './principal';
import type { Actor } from './users';

export interface Caller {
  principal: Principal;
  orgId: number;
  actor: Actor & { userId: number | null };
}

/** The registry has already checked the permission; this only names the caller for the domain functions. */
export function callerOf(ctx: CallContext): Caller {
  const principal = ctx.principal;
  if (!principal) throw new ApiFailure('UNAUTHENTICATED', 'Sign in first.', 401);
  return {
    principal,
    orgId: principal.orgId,
    actor: {
      subject: subjectOf(principal),
      address: addressOf(ctx),
      // An app with users:admin acts as an admin: it can never make owners.
      role: principal.kind === 'user' ? principal.role : 'admin',
      userId: principal.kind === 'user' ? principal.userId : null,
    },
  };
}

export function userCaller(ctx: CallContext): Caller & { principal: Extract<Principal, { kind: 'user' }> } {
  const caller = callerOf(ctx);
  if (caller.principal.kind !== 'user') throw new ApiFailure('FORBIDDEN', 'Only a signed-in person can do this, not an app or API key.', 403);
  return caller as Caller & { principal: Extract<Principal, { kind: 'user' }> };
}
