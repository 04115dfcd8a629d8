import type { Db } from '../../store/database';

export function deviceIdsOfGroup(db: Db, groupId: number): number[] {
  return (db.prepare('SELECT device_id FROM group_devices WHERE group_id = ? ORDER BY device_id').pluck().all(groupId) as number[]);
}

/** Replaces the device set; devices of another organisation are never added. */
export function setGroupDevices(db: Db, groupId: number, deviceIds: readonly number[]): void {
  db.prepare('DELETE FROM group_devices WHERE group_id = ?').run(groupId);
  const add = db.prepare('INSERT INTO group_devices (group_id, device_id) SELECT g.id, d.id FROM groups g JOIN devices d ON d.org_id = g.org_id WHERE g.id = ? AND d.id = ?');
  for (const id of deviceIds) add.run(groupId, id);
}

/** Devices a non-admin member may see: those of every group they belong to, in that organisation. */
export function deviceIdsVisibleToMember(db: Db, userId: number, orgId: number): number[] {
  return db
    .prepare(
      'SELECT DISTINCT gd.device_id FROM group_members gm JOIN groups g ON g.id = gm.group_id JOIN group_devices gd ON gd.group_id = g.id WHERE gm.user_id = ? AND g.org_id = ? ORDER BY gd.device_id',
    )
    .pluck()
    .all(userId, orgId) as number[];
}
