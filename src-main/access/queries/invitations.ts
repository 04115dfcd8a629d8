import type { Role } from '../../../src-shared/permissions';
import type { Db } from '../../store/database';
import { all, one } from '../../store/rows';

interface InvitationRow {
  id: number;
  org_id: number;
  email: string;
  role: Role;
  code_hash: Buffer;
  hint: string;
  invited_by: string;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  revoked_at: number | null;
}

export interface Invitation {
  id: number;
  orgId: number;
  email: string;
  role: Role;
  hint: string;
  invitedBy: string;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
  revokedAt: number | null;
}

const toInvitation = (r: InvitationRow): Invitation => ({
  id: r.id,
  orgId: r.org_id,
  email: r.email,
  role: r.role,
  hint: r.hint,
  invitedBy: r.invited_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  acceptedAt: r.accepted_at,
  revokedAt: r.revoked_at,
});

export function insertInvitation(db: Db, i: Omit<Invitation, 'id' | 'acceptedAt' | 'revokedAt'> & { codeHash: Buffer }): number {
  return Number(
    db
      .prepare('INSERT INTO invitations (org_id, email, role, code_hash, hint, invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(i.orgId, i.email, i.role, i.codeHash, i.hint, i.invitedBy, i.createdAt, i.expiresAt).lastInsertRowid,
  );
}

export function invitationByCode(db: Db, codeHash: Buffer): Invitation | undefined {
  return one(db, 'SELECT * FROM invitations WHERE code_hash = ?', toInvitation, codeHash);
}

export function invitationById(db: Db, orgId: number, id: number): Invitation | undefined {
  return one(db, 'SELECT * FROM invitations WHERE org_id = ? AND id = ?', toInvitation, orgId, id);
}

/** Invitations not yet accepted or revoked (expired ones included: the list says so). */
export function openInvitations(db: Db, orgId: number): Invitation[] {
  return all(db, 'SELECT * FROM invitations WHERE org_id = ? AND accepted_at IS NULL AND revoked_at IS NULL ORDER BY id', toInvitation, orgId);
}

export function revokeOpenInvitation(db: Db, orgId: number, email: string, now: number): void {
  db.prepare('UPDATE invitations SET revoked_at = ? WHERE org_id = ? AND email = ? AND accepted_at IS NULL AND revoked_at IS NULL').run(now, orgId, email);
}

export function revokeInvitation(db: Db, id: number, now: number): void {
  db.prepare('UPDATE invitations SET revoked_at = ? WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL').run(now, id);
}

/** Marks it accepted; false when it was accepted or revoked meanwhile (a code works once). */
export function markInvitationAccepted(db: Db, id: number, now: number): boolean {
  return db.prepare('UPDATE invitations SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL').run(now, id).changes === 1;
}

/** Invitations sent to an email, in every organisation (personal-data export). */
export function invitationsToEmail(db: Db, email: string): { orgId: number; role: string; createdAt: number; expiresAt: number; acceptedAt: number | null; revokedAt: number | null }[] {
  return db
    .prepare('SELECT org_id AS orgId, role, created_at AS createdAt, expires_at AS expiresAt, accepted_at AS acceptedAt, revoked_at AS revokedAt FROM invitations WHERE email = ? ORDER BY id')
    .all(email) as { orgId: number; role: string; createdAt: number; expiresAt: number; acceptedAt: number | null; revokedAt: number | null }[];
}

/** Erasure: invitations name the person by email. */
export function deleteInvitationsToEmail(db: Db, email: string): number {
  return db.prepare('DELETE FROM invitations WHERE email = ? COLLATE NOCASE').run(email).changes;
}
