import type { Db } from '../../store/database';
import type { EngineDevice } from '../engine';

interface TargetRow {
  id: number;
  org_id: number;
  type: string | null;
  last_seen_at: number | null;
  groups: string;
}

export interface AlarmTarget extends EngineDevice {
  lastSeenAt: number | null;
}

const select = `SELECT d.id, d.org_id, d.type, d.last_seen_at, (SELECT json_group_array(group_id) FROM group_devices WHERE device_id = d.id) AS groups FROM devices d`;

function toTarget(r: TargetRow): AlarmTarget {
  return { id: r.id, orgId: r.org_id, type: r.type, lastSeenAt: r.last_seen_at, groupIds: JSON.parse(r.groups) as number[] };
}

/** Every device with what rule scopes look at (organisation, type, groups). */
export function listTargets(db: Db): AlarmTarget[] {
  return (db.prepare(select).all() as TargetRow[]).map(toTarget);
}

/** One device, by an id the pipeline committed (not a caller's). */
export function findTarget(db: Db, id: number): AlarmTarget | null {
  const row = db.prepare(`${select} WHERE d.id = ?`).get(id) as TargetRow | undefined;
  return row ? toTarget(row) : null;
}

/** When a variable was last written (its newest reading's time), for "no data" after a restart. */
export function variableLastTs(db: Db, deviceId: number, variable: string): number | null {
  const row = db.prepare('SELECT max(r.ts) AS ts FROM readings r JOIN variables v ON v.id = r.variable_id WHERE v.device_id = ? AND v.label = ?').get(deviceId, variable) as { ts: number | null };
  return row.ts;
}
