import type { Db } from '../../store/database';

export function memberIdsOfGroup(db: Db, groupId: number): number[] {
  return db.prepare('SELECT user_id FROM group_members WHERE group_id = ? ORDER BY user_id').pluck().all(groupId) as number[];
}

export function setGroupMembers(db: Db, groupId: number, userIds: readonly number[]): void {
  db.prepare('DELETE FROM group_members WHERE group_id = ?').run(groupId);
  const add = db.prepare('INSERT OR IGNORE INTO group_members (group_id, user_id) VALUES (?, ?)');
  for (const id of userIds) add.run(groupId, id);
}

/** The groups a person belongs to, with their organisation. */
export function groupsOfUser(db: Db, userId: number): { orgId: number; name: string }[] {
  return db.prepare('SELECT g.org_id AS orgId, g.name FROM group_members m JOIN groups g ON g.id = m.group_id WHERE m.user_id = ? ORDER BY g.org_id, g.name').all(userId) as { orgId: number; name: string }[];
}
