import type { Role } from '../../src-shared/permissions';
import type { Caller, PublicContext } from '../console/registry';
import { issueToken, parseToken } from '../security/tokens';
import type { AccessContext } from './context';
import { AccessError, notFound } from './errors';
import { hashPassword, verifyPassword } from './passwords';
import { checkRoleGrant, validatePassword } from './people';
import { insertInvitation, invitationByCode, invitationById, markInvitationAccepted, openInvitations, revokeInvitation, revokeOpenInvitation, type Invitation } from './queries/invitations';
import { membership, setMembership } from './queries/memberships';
import { organisationById } from './queries/organisations';
import { insertUser, userByEmail } from './queries/users';
import { checkSecondFactor } from './second-factor';

/** An invitation is good for a week. */
export const invitationLifetimeMs = 7 * 24 * 3_600_000;

export interface InvitationView {
  id: number;
  email: string;
  role: Role;
  hint: string;
  invitedBy: string;
  createdAt: number;
  expiresAt: number;
  expired: boolean;
}

const toView = (i: Invitation, now: number): InvitationView => ({
  id: i.id,
  email: i.email,
  role: i.role,
  hint: i.hint,
  invitedBy: i.invitedBy,
  createdAt: i.createdAt,
  expiresAt: i.expiresAt,
  expired: now >= i.expiresAt,
});

/**
 * Invites a person into the caller's organisation. The answer is the same
 * whether or not an account with that email exists anywhere on the hub: the
 * person accepts with the one-time code (signing in if they have an account,
 * choosing a password if not), so an admin learns nothing about other
 * organisations' people and gains no power over their accounts.
 */
export function inviteUser(ctx: AccessContext, caller: Caller, input: { email: string; role: Role }): { invitation: InvitationView; code: string } {
  checkRoleGrant(ctx, caller, input.role);
  const existing = userByEmail(ctx.db, input.email);
  // Only this organisation's own membership is checked: the caller may list its members anyway.
  if (existing && membership(ctx.db, existing.id, caller.orgId)) {
    throw new AccessError('ALREADY_MEMBER', 'That person already belongs to this organisation.', 'Change their role with users.update instead.', 409);
  }
  const now = ctx.now();
  const { token: code, hash, hint } = issueToken('invitation');
  const id = ctx.db.transaction(() => {
    revokeOpenInvitation(ctx.db, caller.orgId, input.email, now);
    return insertInvitation(ctx.db, { orgId: caller.orgId, email: input.email, role: input.role, codeHash: hash, hint, invitedBy: caller.subject, createdAt: now, expiresAt: now + invitationLifetimeMs });
  }).immediate();
  caller.audit.target({ kind: 'invitation', id, label: input.email });
  caller.audit.detail({ role: input.role });
  return { invitation: toView(invitationById(ctx.db, caller.orgId, id)!, now), code };
}

export function listInvitations(ctx: AccessContext, orgId: number): InvitationView[] {
  const now = ctx.now();
  return openInvitations(ctx.db, orgId).map((i) => toView(i, now));
}

export function withdrawInvitation(ctx: AccessContext, caller: Caller, id: number): void {
  const invitation = invitationById(ctx.db, caller.orgId, id);
  if (!invitation || invitation.acceptedAt !== null || invitation.revokedAt !== null) throw notFound('That invitation', 'List invitations to see the open ones.');
  caller.audit.target({ kind: 'invitation', id, label: invitation.email });
  checkRoleGrant(ctx, caller, invitation.role);
  revokeInvitation(ctx.db, id, ctx.now());
}

const badInvitation = () =>
  new AccessError('INVALID_INVITATION', 'The invitation code is not valid: unknown, used, withdrawn or expired.', 'Ask the person who invited you for a new invitation.', 400);

export interface AcceptInput {
  code: string;
  email: string;
  password: string;
  name?: string | undefined;
  totp?: string | undefined;
}

/**
 * Accepts an invitation: someone with an account proves it with their
 * password (and second factor); someone without one chooses a password and
 * gets an account whose home is the inviting organisation.
 */
export async function acceptInvitation(ctx: AccessContext, input: AcceptInput, call: PublicContext): Promise<{ org: string; role: Role; newAccount: boolean }> {
  const parsed = parseToken(input.code, ['invitation']);
  const invitation = parsed ? invitationByCode(ctx.db, parsed.hash) : undefined;
  const now = ctx.now();
  if (!invitation || invitation.acceptedAt !== null || invitation.revokedAt !== null || now >= invitation.expiresAt || invitation.email.toLowerCase() !== input.email.toLowerCase()) {
    ctx.abuse.addressFailed(call.address);
    throw badInvitation();
  }
  call.audit.org(invitation.orgId);
  call.audit.detail({ role: invitation.role });
  const account = userByEmail(ctx.db, invitation.email);
  let passwordHash: string | null = null;
  if (account) {
    const subject = `login:${account.email.toLowerCase()}`;
    const ok = ctx.abuse.lockedFor(subject) === 0 && account.disabledAt === null && (await verifyPassword(input.password, account.passwordHash));
    if (!ok || !checkSecondFactor(ctx, account, input.totp)) {
      ctx.abuse.failed(subject);
      ctx.abuse.addressFailed(call.address);
      throw new AccessError('BAD_CREDENTIALS', 'The email, password or one-time code is wrong.', 'You already have an account: sign in with its password (and code) to accept.', 401);
    }
    ctx.abuse.succeeded(subject);
  } else {
    validatePassword(input.password);
    passwordHash = await hashPassword(input.password);
  }
  const userId = ctx.db.transaction(() => {
    if (!markInvitationAccepted(ctx.db, invitation.id, now)) throw badInvitation();
    const id = account?.id ?? insertUser(ctx.db, { email: invitation.email, name: input.name ?? invitation.email.split('@')[0]!, passwordHash, homeOrgId: invitation.orgId, now });
    if (!membership(ctx.db, id, invitation.orgId)) setMembership(ctx.db, id, invitation.orgId, invitation.role);
    return id;
  }).immediate();
  call.audit.actor(`user:${userId}`);
  call.audit.target({ kind: 'user', id: userId, label: invitation.email });
  return { org: organisationById(ctx.db, invitation.orgId)?.slug ?? '', role: invitation.role, newAccount: !account };
}
