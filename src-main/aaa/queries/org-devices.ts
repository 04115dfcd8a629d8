import type { Db } from '../../store/database';

/**
 * The two lookups authorization needs from the devices table (owned by the
 * ingest work): which ids an organisation has, and ids by label.
 */
export function deviceIdsOfOrg(db: Db, orgId: number): number[] {
  return db.prepare('SELECT id FROM devices WHERE org_id = ? ORDER BY id').pluck().all(orgId) as number[];
}

export function deviceIdsByLabel(db: Db, orgId: number, labels: readonly string[]): Map<string, number> {
  const rows = db
    .prepare('SELECT label, id FROM devices WHERE org_id = ? AND label IN (SELECT value FROM json_each(?))')
    .all(orgId, JSON.stringify(labels)) as { label: string; id: number }[];
  return new Map(rows.map((r) => [r.label, r.id]));
}

export function orgOfDevice(db: Db, deviceId: number): number | undefined {
  return db.prepare('SELECT org_id FROM devices WHERE id = ?').pluck().get(deviceId) as number | undefined;
}
