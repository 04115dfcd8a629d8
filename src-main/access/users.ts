import { roleRank, type Role } from '../../src-shared/permissions';
import type { AaaContext } from './context';
import { AaaError, notFound } from './errors';
import { hashPassword, passwordRules } from './passwords';
import { countMembershipsOfUser, countOwners, deleteMembership, membership, setMembership } from './queries/memberships';
import { organisationBySlug } from './queries/organisations';
import { revokeSessionsOfUser } from './queries/sessions';
import { deleteUser, insertUser, updateUser, userByEmail, usersOfOrg, type User } from './queries/users';
import { parseCidr } from './ip-allowlist';
import { normaliseOrigin } from './origins';

export interface Actor {
  /** Audit name: `user:3`, `cli`. */
  subject: string;
  address: string;
  /** The caller's role in the organisation acted on; `null` for the local CLI, which the OS user owns. */
  role: Role | null;
}

export interface UserView {
  id: number;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  totp: boolean;
  allowIps: string[];
  allowOrigins: string[];
  createdAt: number;
}

export const toUserView = (u: User & { role: string }): UserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role as Role,
  disabled: u.disabledAt !== null,
  totp: u.totpSecret !== null,
  allowIps: u.allowIps,
  allowOrigins: u.allowOrigins,
  createdAt: u.createdAt,
});

export function orgIdOf(ctx: AaaContext, slug: string): number {
  const org = organisationBySlug(ctx.db, slug);
  if (!org) throw notFound(`The organisation "${slug}"`, 'Owners list organisations with orgs.list in the console; leave --org out for the default one ("default").');
  return org.id;
}

/** Nobody hands out a role above their own; the CLI acts as the machine's owner. */
function checkRoleGrant(actor: Actor, role: Role): void {
  if (actor.role !== null && roleRank(role) > roleRank(actor.role)) {
    throw new AaaError('FORBIDDEN', `A ${actor.role} cannot give the role ${role}.`, 'Ask an owner to do it.', 403);
  }
}

export function validatePassword(password: string): void {
  if (password.length < passwordRules.min || password.length > passwordRules.max) {
    throw new AaaError('WEAK_PASSWORD', `The password must be ${passwordRules.min} to ${passwordRules.max} characters long.`, 'Choose a longer passphrase.');
  }
}

export function validateAllowlists(ips: readonly string[], origins: readonly string[]): void {
  const badIp = ips.find((c) => parseCidr(c) === null);
  if (badIp !== undefined) throw new AaaError('INVALID_CIDR', `"${badIp}" is not an IP address or CIDR range.`, 'Use forms like 192.168.1.0/24 or 2001:db8::/32.');
  const badOrigin = origins.find((o) => normaliseOrigin(o) === null);
  if (badOrigin !== undefined) throw new AaaError('INVALID_ORIGIN', `"${badOrigin}" is not a web origin.`, 'Use forms like https://dashboard.example.com.');
}

export async function addUser(
  ctx: AaaContext,
  actor: Actor,
  input: { email: string; name?: string | undefined; role: Role; orgId: number; password?: string | undefined },
): Promise<UserView> {
  checkRoleGrant(actor, input.role);
  if (input.password !== undefined) validatePassword(input.password);
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  const existing = userByEmail(ctx.db, input.email);
  const id = ctx.db.transaction(() => {
    const userId = existing?.id ?? insertUser(ctx.db, { email: input.email, name: input.name ?? input.email.split('@')[0]!, passwordHash, now: ctx.now() });
    if (existing && membership(ctx.db, existing.id, input.orgId)) {
      throw new AaaError('ALREADY_EXISTS', `A user with that email already belongs to this organisation.`, 'Change their role with users.update instead.', 409);
    }
    // Someone who already has an account keeps their password: another organisation's admin must not be able to set it.
    setMembership(ctx.db, userId, input.orgId, input.role);
    return userId;
  })();
  ctx.audit({ actor: actor.subject, action: 'user.add', target: `user:${id}`, outcome: 'ok', address: actor.address, detail: { role: input.role, orgId: input.orgId } });
  return listUsers(ctx, input.orgId).find((u) => u.id === id)!;
}

export function listUsers(ctx: AaaContext, orgId: number): UserView[] {
  return usersOfOrg(ctx.db, orgId).map(toUserView);
}

export function findMember(ctx: AaaContext, orgId: number, selector: { id?: number | undefined; email?: string | undefined }): UserView {
  const user = listUsers(ctx, orgId).find((u) => (selector.id !== undefined ? u.id === selector.id : u.email.toLowerCase() === selector.email?.toLowerCase()));
  if (!user) throw notFound('That user', 'List users to see who belongs to this organisation.');
  return user;
}

/** The last enabled owner cannot be demoted, disabled or removed: the organisation would have nobody to run it. */
function keepAnOwner(ctx: AaaContext, orgId: number, user: UserView): void {
  if (user.role === 'owner' && !user.disabled && countOwners(ctx.db, orgId) <= 1) {
    throw new AaaError('LAST_OWNER', 'This is the organisation’s last owner.', 'Make another user owner first.', 409);
  }
}

export async function updateMember(
  ctx: AaaContext,
  actor: Actor,
  orgId: number,
  userId: number,
  patch: { name?: string | undefined; role?: Role | undefined; disabled?: boolean | undefined; password?: string | undefined; allowIps?: string[] | undefined; allowOrigins?: string[] | undefined },
): Promise<UserView> {
  const user = findMember(ctx, orgId, { id: userId });
  // An admin may not change an owner at all, nor make anyone owner.
  checkRoleGrant(actor, user.role);
  if (patch.role) checkRoleGrant(actor, patch.role);
  if ((patch.role && patch.role !== 'owner') || patch.disabled) keepAnOwner(ctx, orgId, user);
  if (patch.password !== undefined) validatePassword(patch.password);
  // Password, disable and allowlists belong to the person, not to one membership: for someone who is
  // also in another organisation only the CLI (the machine's owner) may change them; admins remove them instead.
  const personal = patch.password !== undefined || patch.disabled !== undefined || patch.allowIps !== undefined || patch.allowOrigins !== undefined;
  if (personal && actor.role !== null && countMembershipsOfUser(ctx.db, userId) > 1) {
    throw new AaaError('SHARED_USER', 'This user also belongs to another organisation, so their password, status and allowlists are not yours to change.', 'Remove them from your organisation instead, or ask the hub owner.', 403);
  }
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
    // A new password or a disable ends every session at once.
    if (patch.disabled || passwordHash) revokeSessionsOfUser(ctx.db, userId, ctx.now());
  })();
  const changed = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
  ctx.audit({ actor: actor.subject, action: 'user.update', target: `user:${userId}`, outcome: 'ok', address: actor.address, detail: { changed, ...(patch.role ? { role: patch.role } : {}) } });
  return findMember(ctx, orgId, { id: userId });
}

export function removeMember(ctx: AaaContext, actor: Actor, orgId: number, userId: number): void {
  const user = findMember(ctx, orgId, { id: userId });
  checkRoleGrant(actor, user.role);
  keepAnOwner(ctx, orgId, user);
  ctx.db.transaction(() => {
    deleteMembership(ctx.db, userId, orgId);
    revokeSessionsOfUser(ctx.db, userId, ctx.now());
    // A user left in no organisation is deleted with everything of theirs.
    if (countMembershipsOfUser(ctx.db, userId) === 0) deleteUser(ctx.db, userId);
  })();
  ctx.audit({ actor: actor.subject, action: 'user.remove', target: `user:${userId}`, outcome: 'ok', address: actor.address });
}
