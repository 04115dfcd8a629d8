import type { Db } from '../../store/database';
import { one, all } from '../../store/rows';

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
  return all(db, 'SELECT * FROM groups WHERE org_id = ? ORDER BY name', toGroup, orgId);
}

export function groupByName(db: Db, orgId: number, name: string): Group | undefined {
  return one(db, 'SELECT * FROM groups WHERE org_id = ? AND name = ?', toGroup, orgId, name);
}

export function groupById(db: Db, orgId: number, id: number): Group | undefined {
  return one(db, 'SELECT * FROM groups WHERE org_id = ? AND id = ?', toGroup, orgId, id);
}

export function insertGroup(db: Db, orgId: number, name: string, now: number): number {
  return Number(db.prepare('INSERT INTO groups (org_id, name, created_at) VALUES (?, ?, ?)').run(orgId, name, now).lastInsertRowid);
}

export function deleteGroup(db: Db, id: number): void {
  db.prepare('DELETE FROM groups WHERE id = ?').run(id);
}
