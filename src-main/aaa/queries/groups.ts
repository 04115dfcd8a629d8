import type { Db } from '../../store/database';

interface GroupRow {
  id: number;
  org_id: number;
  name: string;
  created_at: number;
}

export interface Group {
  id: number;
  orgId: number;
  name: string;
  createdAt: number;
}

const toGroup = (r: GroupRow): Group => ({ id: r.id, orgId: r.org_id, name: r.name, createdAt: r.created_at });

export function groupsOfOrg(db: Db, orgId: number): Group[] {
  return (db.prepare('SELECT * FROM groups WHERE org_id = ? ORDER BY name').all(orgId) as GroupRow[]).map(toGroup);
}

export function groupByName(db: Db, orgId: number, name: string): Group | undefined {
  const row = db.prepare('SELECT * FROM groups WHERE org_id = ? AND name = ?').get(orgId, name) as GroupRow | undefined;
  return row && toGroup(row);
}

export function groupById(db: Db, orgId: number, id: number): Group | undefined {
  const row = db.prepare('SELECT * FROM groups WHERE org_id = ? AND id = ?').get(orgId, id) as GroupRow | undefined;
  return row && toGroup(row);
}

export function insertGroup(db: Db, orgId: number, name: string, now: number): number {
  return Number(db.prepare('INSERT INTO groups (org_id, name, created_at) VALUES (?, ?, ?)').run(orgId, name, now).lastInsertRowid);
}

export function deleteGroup(db: Db, id: number): void {
  db.prepare('DELETE FROM groups WHERE id = ?').run(id);
}
