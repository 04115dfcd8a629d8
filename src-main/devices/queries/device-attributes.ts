import type { Db } from '../../store/database';

export type AttributeScope = 'client' | 'shared';

interface AttributeRow {
  key: string;
  value: string;
}

/** Stores attributes (values as JSON), replacing earlier values of the same keys. */
export function setAttributes(db: Db, deviceId: number, scope: AttributeScope, attributes: Record<string, unknown>, now: number): void {
  const stmt = db.prepare(
    'INSERT INTO device_attributes (device_id, scope, key, value, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (device_id, scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  );
  db.transaction(() => {
    for (const [key, value] of Object.entries(attributes)) stmt.run(deviceId, scope, key, JSON.stringify(value ?? null), now);
  })();
}

/** Attributes of one scope; `keys` null means all of them. */
export function getAttributes(db: Db, deviceId: number, scope: AttributeScope, keys: readonly string[] | null): Record<string, unknown> {
  const rows = db.prepare('SELECT key, value FROM device_attributes WHERE device_id = ? AND scope = ? ORDER BY key').all(deviceId, scope) as AttributeRow[];
  const out: Record<string, unknown> = {};
  for (const r of rows) if (keys === null || keys.includes(r.key)) out[r.key] = JSON.parse(r.value) as unknown;
  return out;
}
