import type { Db } from '../../store/database';

export function memberIdsOfGroup(db: Db, groupId: number): number[] {
  return db.prepare('SELECT user_id FROM group_members WHERE group_id = ? ORDER BY user_id').pluck().all(groupId) as number[];
}

export function setGroupMembers(db: Db, groupId: number, userIds: readonly number[]): void {
  db.prepare('DELETE FROM group_members WHERE group_id = ?').run(groupId);
  const add = db.prepare('INSERT OR IGNORE INTO group_members (group_id, user_id) VALUES (?, ?)');
  for (const id of userIds) add.run(groupId, id);
}
