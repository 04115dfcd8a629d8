import type { Role } from '../../../src-shared/permissions';
import type { Db } from '../../store/database';

interface MembershipRow {
  user_id: number;
  org_id: number;
  role: Role;
  slug: string;
}

export interface Membership {
  userId: number;
  orgId: number;
  orgSlug: string;
  role: Role;
}

const toMembership = (r: MembershipRow): Membership => ({ userId: r.user_id, orgId: r.org_id, orgSlug: r.slug, role: r.role });

export function membershipsOfUser(db: Db, userId: number): Membership[] {
  const rows = db
    .prepare('SELECT m.*, o.slug FROM memberships m JOIN organisations o ON o.id = m.org_id WHERE m.user_id = ? ORDER BY m.org_id')
    .all(userId) as MembershipRow[];
  return rows.map(toMembership);
}

export function membership(db: Db, userId: number, orgId: number): Membership | undefined {
  const row = db
    .prepare('SELECT m.*, o.slug FROM memberships m JOIN organisations o ON o.id = m.org_id WHERE m.user_id = ? AND m.org_id = ?')
    .get(userId, orgId) as MembershipRow | undefined;
  return row && toMembership(row);
}

export function setMembership(db: Db, userId: number, orgId: number, role: Role): void {
  db.prepare('INSERT INTO memberships (user_id, org_id, role) VALUES (?, ?, ?) ON CONFLICT (user_id, org_id) DO UPDATE SET role = excluded.role').run(
    userId,
    orgId,
    role,
  );
}

export function deleteMembership(db: Db, userId: number, orgId: number): void {
  db.prepare('DELETE FROM memberships WHERE user_id = ? AND org_id = ?').run(userId, orgId);
}

export function countOwners(db: Db, orgId: number): number {
  return (db.prepare("SELECT count(*) AS n FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = ? AND m.role = 'owner' AND u.disabled_at IS NULL").get(orgId) as { n: number }).n;
}

export function countMembershipsOfUser(db: Db, userId: number): number {
  return db.prepare('SELECT count(*) FROM memberships WHERE user_id = ?').pluck().get(userId) as number;
}
