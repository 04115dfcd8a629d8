import type { Db } from '../../store/database';
import { cachedStatement } from '../../store/statement-cache';

interface DeviceRow {
  id: number;
  org_id: number;
  label: string;
  name: string;
  type: string | null;
  created_at: number;
  last_seen_at: number | null;
  disabled_at: number | null;
}

export interface Device {
  id: number;
  orgId: number;
  label: string;
  name: string;
  type: string | null;
  createdAt: number;
  lastSeenAt: number | null;
  disabledAt: number | null;
}

export function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    orgId: row.org_id,
    label: row.label,
    name: row.name,
    type: row.type,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    disabledAt: row.disabled_at,
  };
}

const columns = 'id, org_id, label, name, type, created_at, last_seen_at, disabled_at';

export function findDeviceByLabel(db: Db, orgId: number, label: string): Device | null {
  const row = db.prepare(`SELECT ${columns} FROM devices WHERE org_id = ? AND label = ?`).get(orgId, label) as DeviceRow | undefined;
  return row ? toDevice(row) : null;
}

/** A device of one organisation: another organisation's id finds nothing. */
export function findDeviceById(db: Db, orgId: number, id: number): Device | null {
  const row = cachedStatement(db, `SELECT ${columns} FROM devices WHERE org_id = ? AND id = ?`).get(orgId, id) as DeviceRow | undefined;
  return row ? toDevice(row) : null;
}

/**
 * A device by an id the hub itself holds (a token's or a command's row),
 * never by an id a caller sent: callers go through findDeviceById with their organisation.
 */
export function deviceByTrustedId(db: Db, id: number): Device | null {
  const row = cachedStatement(db, `SELECT ${columns} FROM devices WHERE id = ?`).get(id) as DeviceRow | undefined;
  return row ? toDevice(row) : null;
}

export function listDevices(db: Db, orgId: number): Device[] {
  return (db.prepare(`SELECT ${columns} FROM devices WHERE org_id = ? ORDER BY label`).all(orgId) as DeviceRow[]).map(toDevice);
}

/** When every enabled device of every organisation was last seen: the desktop tray's "N of M online". */
export function enabledDevicesLastSeen(db: Db): Array<{ id: number; lastSeenAt: number | null }> {
  return db.prepare('SELECT id, last_seen_at AS lastSeenAt FROM devices WHERE disabled_at IS NULL').all() as Array<{ id: number; lastSeenAt: number | null }>;
}

export function insertDevice(db: Db, d: { orgId: number; label: string; name: string; type: string | null; now: number }): Device {
  const info = db
    .prepare('INSERT INTO devices (org_id, label, name, type, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(d.orgId, d.label, d.name, d.type, d.now);
  return deviceByTrustedId(db, Number(info.lastInsertRowid))!;
}

export function updateDevice(db: Db, id: number, patch: { name?: string | undefined; type?: string | null | undefined }): void {
  if (patch.name !== undefined) db.prepare('UPDATE devices SET name = ? WHERE id = ?').run(patch.name, id);
  if (patch.type !== undefined) db.prepare('UPDATE devices SET type = ? WHERE id = ?').run(patch.type, id);
}

export function touchDevices(db: Db, seen: ReadonlyMap<number, number>): void {
  const stmt = db.prepare('UPDATE devices SET last_seen_at = max(coalesce(last_seen_at, 0), ?) WHERE id = ?');
  for (const [id, at] of seen) stmt.run(at, id);
}

export function deleteDevice(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM devices WHERE id = ?').run(id).changes > 0;
}
