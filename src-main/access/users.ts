import type { Role } from '../../src-shared/permissions';
import type { Caller } from '../console/registry';
import type { AccessContext } from './context';
import { AccessError } from './errors';
import { hashPassword } from './passwords';
import { checkHome, checkRoleGrant, findMember, keepAnOwner, validateAllowlists, validatePassword, type UserView } from './people';
import { countMembershipsOfUser, deleteMembership, membership, setMembership } from './queries/memberships';
import { firstOrganisationId } from './queries/organisations';
import { revokeSessionsOfUser } from './queries/sessions';
import { countHubAdmins, deleteUser, insertUser, updateUser, userByEmail } from './queries/users';

/**
 * Adds a person directly, with a password: the hub owner's way (the CLI for
 * scripts, or a hub admin). Everyone else invites (access/invitations.ts), so
 * adding someone never reveals or takes over an account that exists already.
 * The first owner of the hub's first organisation becomes the hub owner.
 */
export async function createUser(
  ctx: AccessContext,
  caller: Caller,
  input: { email: string; name?: string | undefined; role: Role; password?: string | undefined },
): Promise<UserView> {
  checkRoleGrant(ctx, caller, input.role);
  if (input.password !== undefined) validatePassword(input.password);
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  const orgId = caller.orgId;
  const existing = userByEmail(ctx.db, input.email);
  const id = ctx.db.transaction(() => {
    if (existing && membership(ctx.db, existing.id, orgId)) {
      throw new AccessError('ALREADY_EXISTS', 'A user with that email already belongs to this organisation.', 'Change their role with users.update instead.', 409);
    }
    // Someone who already has an account keeps their password: nobody sets it for them.
    const userId = existing?.id ?? insertUser(ctx.db, { email: input.email, name: input.name ?? input.email.split('@')[0]!, passwordHash, homeOrgId: orgId, now: ctx.now() });
    setMembership(ctx.db, userId, orgId, input.role);
    if (input.role === 'owner' && orgId === firstOrganisationId(ctx.db) && countHubAdmins(ctx.db) === 0) updateUser(ctx.db, userId, { hubAdmin: true });
    return userId;
  }).immediate();
  const user = findMember(ctx, orgId, { id });
  caller.audit.target({ kind: 'user', id, label: user.email });
  caller.audit.detail({ role: input.role, existingAccount: existing !== undefined });
  return user;
}

export async function updateMember(
  ctx: AccessContext,
  caller: Caller,
  userId: number,
  patch: { name?: string | undefined; role?: Role | undefined; disabled?: boolean | undefined; password?: string | undefined; allowIps?: string[] | undefined; allowOrigins?: string[] | undefined },
): Promise<UserView> {
  const orgId = caller.orgId;
  const user = findMember(ctx, orgId, { id: userId });
  caller.audit.target({ kind: 'user', id: userId, label: user.email });
  // Nobody manages someone above them, nor makes anyone more than they are.
  checkRoleGrant(ctx, caller, user.role);
  if (patch.role) checkRoleGrant(ctx, caller, patch.role);
  if ((patch.role && patch.role !== 'owner') || patch.disabled) keepAnOwner(ctx, orgId, user);
  const personal = patch.name !== undefined || patch.password !== undefined || patch.disabled !== undefined || patch.allowIps !== undefined || patch.allowOrigins !== undefined;
  if (personal) checkHome(caller, user);
  if (patch.password !== undefined) validatePassword(patch.password);
  validateAllowlists(patch.allowIps ?? [], patch.allowOrigins ?? []);
  const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
  ctx.db.transaction(() => {
    updateUser(ctx.db, userId, {
      name: patch.name,
      passwordHash,
      allowIps: patch.allowIps,
      allowOrigins: patch.allowOrigins,
      disabledAt: patch.disabled === undefined ? undefined : patch.disabled ? ctx.now() : null,
    });
    if (patch.role) setMembership(ctx.db, userId, orgId, patch.role);
    // A new password or a disable ends every session at once (a demotion applies on the next request).
    if (patch.disabled || passwordHash) revokeSessionsOfUser(ctx.db, userId, ctx.now());
  }).immediate();
  const changed = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
  caller.audit.detail({ changed, ...(patch.role ? { role: patch.role } : {}) });
  return findMember(ctx, orgId, { id: userId });
}

export function removeMember(ctx: AccessContext, caller: Caller, userId: number): void {
  const orgId = caller.orgId;
  const user = findMember(ctx, orgId, { id: userId });
  caller.audit.target({ kind: 'user', id: userId, label: user.email });
  checkRoleGrant(ctx, caller, user.role);
  keepAnOwner(ctx, orgId, user);
  if (user.hubAdmin && countHubAdmins(ctx.db) <= 1 && countMembershipsOfUser(ctx.db, userId) <= 1) {
    throw new AccessError('LAST_HUB_ADMIN', 'This is the hub’s last owner (hub:admin).', 'Grant hub:admin to someone else first (users.setHubAdmin).', 409);
  }
  ctx.db.transaction(() => {
    deleteMembership(ctx.db, userId, orgId);
    revokeSessionsOfUser(ctx.db, userId, ctx.now());
    // A person left in no organisation is deleted with everything of theirs.
    if (countMembershipsOfUser(ctx.db, userId) === 0) deleteUser(ctx.db, userId);
  }).immediate();
}

/** hub:admin is granted and taken away explicitly, by the hub owner, never through a role. */
export function setHubAdmin(ctx: AccessContext, caller: Caller, userId: number, hubAdmin: boolean): UserView {
  const user = findMember(ctx, caller.orgId, { id: userId });
  caller.audit.target({ kind: 'user', id: userId, label: user.email });
  caller.audit.detail({ hubAdmin });
  if (!hubAdmin && user.hubAdmin && countHubAdmins(ctx.db) <= 1) {
    throw new AccessError('LAST_HUB_ADMIN', 'This is the hub’s last owner (hub:admin).', 'Grant hub:admin to someone else first.', 409);
  }
  if (hubAdmin && user.disabled) throw new AccessError('USER_DISABLED', 'A disabled account cannot be made hub owner.', 'Enable the account first.', 409);
  ctx.db.transaction(() => {
    updateUser(ctx.db, userId, { hubAdmin });
    // Taking the right away ends their sessions, so no open console keeps it.
    if (!hubAdmin) revokeSessionsOfUser(ctx.db, userId, ctx.now());
  }).immediate();
  return findMember(ctx, caller.orgId, { id: userId });
}

/** For someone who lost their authenticator: their home organisation's owner (or the hub owner) removes the second factor. */
export function resetTotp(ctx: AccessContext, caller: Caller, userId: number): UserView {
  const user = findMember(ctx, caller.orgId, { id: userId });
  caller.audit.target({ kind: 'user', id: userId, label: user.email });
  const p = caller.principal;
  if (!(p.kind === 'cli' || (p.kind === 'user' && p.role === 'owner'))) {
    throw new AccessError('FORBIDDEN', 'Only an owner can remove someone’s second factor.', 'Ask an owner of the organisation, or run `outpost user reset-totp EMAIL` on the hub.', 403);
  }
  checkRoleGrant(ctx, caller, user.role);
  checkHome(caller, user);
  ctx.db.transaction(() => {
    updateUser(ctx.db, userId, { totpSecret: null, totpPending: null });
    revokeSessionsOfUser(ctx.db, userId, ctx.now());
  }).immediate();
  return findMember(ctx, caller.orgId, { id: userId });
}
