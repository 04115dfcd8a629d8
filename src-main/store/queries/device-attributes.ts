import type { Db } from '../database';

export type AttributeScope = 'client' | 'shared';

interface AttributeRow {
  key: string;
  value: string;
}

/** Writes attributes in one statement each, inside the caller's transaction when there is one. */
export function putDeviceAttributes(db: Db, deviceId: number, scope: AttributeScope, attributes: Record<string, unknown>, now: number): void {
  const stmt = db.prepare(
    'INSERT INTO device_attributes (device_id, scope, key, value, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (device_id, scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  );
  db.transaction(() => {
    for (const [key, value] of Object.entries(attributes)) stmt.run(deviceId, scope, key, JSON.stringify(value), now);
  })();
}

/** Attributes of one scope; `keys` null means all of them. */
export function getDeviceAttributes(db: Db, deviceId: number, scope: AttributeScope, keys: readonly string[] | null): Record<string, unknown> {
  const rows = db.prepare('SELECT key, value FROM device_attributes WHERE device_id = ? AND scope = ? ORDER BY key').all(deviceId, scope) as AttributeRow[];
  const out: Record<string, unknown> = {};
  for (const r of rows) if (!keys || keys.includes(r.key)) out[r.key] = JSON.parse(r.value) as unknown;
  return out;
}
