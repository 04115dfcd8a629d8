import { rolePermissions, roleRank, roleSeesAllDevices, type Role } from '../../src-shared/permissions';
import type { Caller } from '../console/registry';
import type { AccessContext } from './context';
import { AccessError, notFound } from './errors';
import { parseCidr } from './ip-allowlist';
import { normaliseOrigin } from './origins';
import { passwordRules } from './passwords';
import type { Principal } from './principal';
import { countOwners } from './queries/memberships';
import { usersOfOrg, type User } from './queries/users';
import { rightsOf } from './rights';

/** A member of an organisation as the console shows them. */
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
  hubAdmin: boolean;
  /** This organisation is the person's home: it may change their password, status and allowlists. */
  home: boolean;
}

export const toUserView = (u: User & { role: string }, orgId: number): UserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role as Role,
  disabled: u.disabledAt !== null,
  totp: u.totpSecret !== null,
  allowIps: u.allowIps,
  allowOrigins: u.allowOrigins,
  createdAt: u.createdAt,
  hubAdmin: u.hubAdmin,
  home: u.homeOrgId === orgId,
});

export function listMembers(ctx: AccessContext, orgId: number): UserView[] {
  return usersOfOrg(ctx.db, orgId).map((u) => toUserView(u, orgId));
}

export function findMember(ctx: AccessContext, orgId: number, selector: { id?: number | undefined; email?: string | undefined }): UserView {
  const user = listMembers(ctx, orgId).find((u) => (selector.id !== undefined ? u.id === selector.id : u.email.toLowerCase() === selector.email?.toLowerCase()));
  if (!user) throw notFound('That user', 'List users to see who belongs to this organisation.');
  return user;
}

/** Is this caller the hub's owner (a person granted hub:admin, or the machine's owner at the CLI)? */
export function isHubOwner(p: Principal): boolean {
  return p.kind === 'cli' || (p.kind === 'user' && p.hubAdmin);
}

/**
 * Nobody hands out, or manages someone holding, more than they hold
 * themselves: every permission of the role, every device it sees, and for
 * owners, being an owner (people) or the machine's owner (CLI). Apps and API
 * keys never make or manage owners.
 */
export function checkRoleGrant(ctx: AccessContext, caller: Caller, role: Role): void {
  const p = caller.principal;
  if (p.kind === 'cli') return;
  const rights = rightsOf(ctx.db, p);
  const missing = rolePermissions[role].filter((s) => !rights.permissions.has(s));
  const ownerOnly = role === 'owner' && !(p.kind === 'user' && p.role === 'owner');
  const rankAbove = p.kind === 'user' && roleRank(role) > roleRank(p.role);
  const devicesMissing = roleSeesAllDevices(role) && rights.devices.kind !== 'all';
  if (missing.length || ownerOnly || rankAbove || devicesMissing) {
    const why = missing.length ? `it needs ${missing.join(', ')}, which you do not hold` : devicesMissing ? 'it sees every device and you do not' : 'only an owner can';
    throw new AccessError('FORBIDDEN', `You cannot give or manage the role ${role}: ${why}.`, 'Ask an owner to do it.', 403);
  }
}

/** Password, status and allowlists belong to the person: only their home organisation (or the hub owner) changes them. */
export function checkHome(caller: Caller, user: UserView): void {
  if (user.home || isHubOwner(caller.principal)) return;
  throw new AccessError(
    'SHARED_USER',
    'This person’s account belongs to another organisation, so their password, status, second factor and allowlists are not yours to change.',
    'Change their role or remove them from your organisation instead.',
    403,
  );
}

/** The last enabled owner cannot be demoted, disabled or removed: the organisation would have nobody to run it. */
export function keepAnOwner(ctx: AccessContext, orgId: number, user: UserView): void {
  if (user.role === 'owner' && !user.disabled && countOwners(ctx.db, orgId) <= 1) {
    throw new AccessError('LAST_OWNER', 'This is the organisation’s last owner.', 'Make another user owner first.', 409);
  }
}

export function validatePassword(password: string): void {
  if (password.length < passwordRules.min || password.length > passwordRules.max) {
    throw new AccessError('WEAK_PASSWORD', `The password must be ${passwordRules.min} to ${passwordRules.max} characters long.`, 'Choose a longer passphrase.');
  }
}

export function validateAllowlists(ips: readonly string[], origins: readonly string[]): void {
  const badIp = ips.find((c) => parseCidr(c) === null);
  if (badIp !== undefined) throw new AccessError('INVALID_CIDR', `"${badIp}" is not an IP address or CIDR range.`, 'Use forms like 192.168.1.0/24 or 2001:db8::/32.');
  const badOrigin = origins.find((o) => normaliseOrigin(o) === null);
  if (badOrigin !== undefined) throw new AccessError('INVALID_ORIGIN', `"${badOrigin}" is not a web origin.`, 'Use forms like https://dashboard.example.com.');
}
