import { eraseAuditPersonalFields } from '../audit/erase';
import type { Caller } from '../console/registry';
import type { AccessContext } from './context';
import { AccessError, notFound } from './errors';
import { findMember, isHubOwner } from './people';
import { clearLockout } from './queries/lockouts';
import { deleteInvitationsToEmail } from './queries/invitations';
import { countOwners, membershipsOfUser } from './queries/memberships';
import { deleteAddressesSeenBy } from './queries/seen-addresses';
import { countHubAdmins, deleteUser, userById } from './queries/users';

export interface ErasureResult {
  ok: true;
  auditRows: number;
  /** The write-ahead log was emptied into the file (and truncated), so no old page holding the data is left in it. */
  checkpointed: boolean;
}

/**
 * Erases a person (users.erase; docs/STEWARDSHIP.md, "Erasure"): their
 * account row (name, email, password hash, second factor, allowlists), and
 * with it their memberships, groups and sessions; the addresses they were
 * seen from, their sign-in lockout, invitations to their email; and the
 * personal fields of every audit row by or about them (the chain still
 * verifies). `secure_delete` (on for every writing connection: store/database.ts) overwrites what is
 * deleted with zeros, and the write-ahead log is checkpointed and truncated, so the bytes do not linger.
 * Who may: the hub owner, or an owner of the person's home organisation.
 */
export function erasePerson(ctx: AccessContext, caller: Caller, userId: number): ErasureResult {
  const p = caller.principal;
  const hubOwner = isHubOwner(p);
  // Someone outside the caller's organisation is "not found", as for any other object (the hub owner acts within an organisation too).
  findMember(ctx, caller.orgId, { id: userId });
  const user = userById(ctx.db, userId);
  if (!user) throw notFound('That user');
  // The audit row names the erased person by id only: no label.
  caller.audit.target({ kind: 'user', id: userId, label: null });
  if (!hubOwner && !(p.kind === 'user' && p.role === 'owner' && user.homeOrgId === caller.orgId)) {
    throw new AccessError('FORBIDDEN', 'Only the hub owner or an owner of the person’s home organisation erases their data.', 'Ask an owner of their home organisation.', 403);
  }
  const soleOwnerOf = membershipsOfUser(ctx.db, userId).find((m) => m.role === 'owner' && user.disabledAt === null && countOwners(ctx.db, m.orgId) <= 1);
  if (soleOwnerOf) {
    throw new AccessError('LAST_OWNER', `This is the last owner of the organisation ${soleOwnerOf.orgSlug}.`, 'Make another user owner there first.', 409);
  }
  if (user.hubAdmin && countHubAdmins(ctx.db) <= 1) {
    throw new AccessError('LAST_HUB_ADMIN', 'This is the hub’s last owner (hub:admin).', 'Grant hub:admin to someone else first (users.setHubAdmin).', 409);
  }
  const subject = `user:${userId}`;
  const audit = ctx.db
    .transaction(() => {
      const erased = eraseAuditPersonalFields(ctx.db, ctx.keys.audit, subject, user.email);
      if (erased.broken !== null) {
        throw new AccessError('AUDIT_CHAIN_BROKEN', `Audit row ${erased.broken} does not match its hash; erasing it would hide that. Nothing was erased.`, 'Run outpost audit verify and keep its report, then erase again once it is resolved.', 409);
      }
      deleteAddressesSeenBy(ctx.db, subject);
      clearLockout(ctx.db, `login:${user.email.toLowerCase()}`);
      deleteInvitationsToEmail(ctx.db, user.email);
      deleteUser(ctx.db, userId);
      return erased.rows;
    })
    .immediate();
  caller.audit.detail({ auditRows: audit });
  // TRUNCATE: the old pages in the WAL hold the data too. Busy readers can keep it from finishing: say so.
  const [cp] = ctx.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
  return { ok: true, auditRows: audit, checkpointed: cp?.busy === 0 };
}
