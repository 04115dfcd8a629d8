import type { Db } from '../../store/database';

export function readSetting(db: Db, key: string): unknown {
  const value = db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
  return value === undefined ? undefined : (JSON.parse(value) as unknown);
}

export function writeSetting(db: Db, key: string, value: unknown, now: number): void {
  db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at').run(
    key,
    JSON.stringify(value),
    now,
  );
}
