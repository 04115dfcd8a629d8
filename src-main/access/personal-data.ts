import type { z } from 'zod';
import type { personalDataSchema } from '../../src-shared/api/areas/personal';
import { auditRowsOfPerson } from '../audit/queries/audit-log';
import type { Caller } from '../console/registry';
import type { AccessContext } from './context';
import { AccessError, notFound } from './errors';
import { findMember, isHubOwner } from './people';
import { groupsOfUser } from './queries/group-members';
import { invitationsToEmail } from './queries/invitations';
import { membershipsOfUser } from './queries/memberships';
import { addressesSeenBy } from './queries/seen-addresses';
import { sessionsOfUser } from './queries/sessions';
import { userById } from './queries/users';

/**
 * A person's data export (users.exportData). Who may ask: the person
 * themself, or the hub owner or an owner of the caller's organisation for one
 * of its members (an organisation owner gets that organisation's audit rows
 * only: another organisation's activity is not theirs to see). Secrets (password hash,
 * second-factor secret, token hashes) are never exported, only whether they exist.
 */
export function exportPersonalData(ctx: AccessContext, caller: Caller, userId: number): z.input<typeof personalDataSchema> {
  const p = caller.principal;
  const self = p.kind === 'user' && p.userId === userId;
  if (!self) {
    // Someone else's data: only within the caller's organisation ("not found" otherwise, as for any other object).
    findMember(ctx, caller.orgId, { id: userId });
    if (!isHubOwner(p) && (p.kind !== 'user' || p.role !== 'owner')) {
      throw new AccessError('FORBIDDEN', 'Only the person themself, an owner of their organisation or the hub owner exports their data.', 'Ask an owner of the organisation.', 403);
    }
  }
  // The person and the hub owner see every audit row by or about them; an organisation owner that organisation's.
  const wholeHub = self || isHubOwner(p);
  const user = userById(ctx.db, userId);
  if (!user) throw notFound('That user');
  caller.audit.target({ kind: 'user', id: userId, label: user.email });
  caller.audit.detail({ scope: wholeHub ? 'hub' : 'organisation' });
  const subject = `user:${userId}`;
  const audit = auditRowsOfPerson(ctx.db, subject, user.email, wholeHub ? null : caller.orgId);
  return {
    exportedAt: new Date(ctx.now()).toISOString(),
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      createdAt: user.createdAt,
      disabledAt: user.disabledAt,
      hubAdmin: user.hubAdmin,
      homeOrgId: user.homeOrgId,
      hasPassword: user.passwordHash !== null,
      secondFactor: user.totpSecret !== null,
      allowIps: user.allowIps,
      allowOrigins: user.allowOrigins,
    },
    memberships: membershipsOfUser(ctx.db, userId).map((m) => ({ orgId: m.orgId, org: m.orgSlug, role: m.role })),
    groups: groupsOfUser(ctx.db, userId),
    sessions: sessionsOfUser(ctx.db, userId),
    addressesSeen: addressesSeenBy(ctx.db, subject),
    invitations: invitationsToEmail(ctx.db, user.email),
    auditBy: audit.by,
    auditAbout: audit.about,
  };
}
