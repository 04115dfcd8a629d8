import type { Db } from '../../store/database';

interface VariableRow {
  id: number;
  device_id: number;
  label: string;
  created_at: number;
  last_value: number | null;
  last_ts: number | null;
  last_context: string | null;
  unit: string | null;
}

export interface Variable {
  id: number;
  deviceId: number;
  label: string;
  createdAt: number;
  /** Unit shown next to values and on chart axes (`°C`, `bar`); null when none was set. */
  unit: string | null;
  last: { value: number; ts: number; context: Record<string, unknown> | null } | null;
}

export function toVariable(r: VariableRow): Variable {
  return {
    id: r.id,
    deviceId: r.device_id,
    label: r.label,
    createdAt: r.created_at,
    unit: r.unit,
    last:
      r.last_value === null || r.last_ts === null
        ? null
        : { value: r.last_value, ts: r.last_ts, context: r.last_context === null ? null : (JSON.parse(r.last_context) as Record<string, unknown>) },
  };
}

const columns = 'id, device_id, label, created_at, last_value, last_ts, last_context, unit';

export function listVariables(db: Db, deviceId: number): Variable[] {
  return (db.prepare(`SELECT ${columns} FROM variables WHERE device_id = ? ORDER BY label`).all(deviceId) as VariableRow[]).map(toVariable);
}

export function findVariable(db: Db, deviceId: number, label: string): Variable | null {
  const row = db.prepare(`SELECT ${columns} FROM variables WHERE device_id = ? AND label = ?`).get(deviceId, label) as VariableRow | undefined;
  return row ? toVariable(row) : null;
}

/**
 * Prepared once per connection: the pipeline resolves a variable id for every
 * reading it stores.
 */
export function variableStatements(db: Db) {
  const find = db.prepare('SELECT id FROM variables WHERE device_id = ? AND label = ?').pluck();
  const insert = db.prepare('INSERT INTO variables (device_id, label, created_at) VALUES (?, ?, ?)');
  // Only a newer reading becomes the last value: late, back-dated dots must not move it backwards.
  const setLast = db.prepare(
    'UPDATE variables SET last_value = ?, last_ts = ?, last_context = ? WHERE id = ? AND (last_ts IS NULL OR last_ts <= ?)',
  );
  return {
    idFor(deviceId: number, label: string, now: number): number {
      const id = find.get(deviceId, label) as number | undefined;
      return id ?? Number(insert.run(deviceId, label, now).lastInsertRowid);
    },
    setLast(id: number, value: number, ts: number, context: string | null): void {
      setLast.run(value, ts, context, id, ts);
    },
  };
}

export function setVariableUnit(db: Db, id: number, unit: string | null): void {
  db.prepare('UPDATE variables SET unit = ? WHERE id = ?').run(unit, id);
}
