import type { Db } from '../database';

interface SettingRow {
  key: string;
  value: string;
  updated_at: number;
}

export interface Setting {
  key: string;
  /** Stored as JSON text; the settings registry (src-main/ingest/settings.ts) validates it. */
  value: string;
  updatedAt: number;
}

const toSetting = (r: SettingRow): Setting => ({ key: r.key, value: r.value, updatedAt: r.updated_at });

export function getSetting(db: Db, key: string): Setting | null {
  const row = db.prepare('SELECT key, value, updated_at FROM settings WHERE key = ?').get(key) as SettingRow | undefined;
  return row ? toSetting(row) : null;
}

export function putSetting(db: Db, key: string, value: string, now: number): void {
  db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at').run(
    key,
    value,
    now,
  );
}

export function listSettings(db: Db): Setting[] {
  return (db.prepare('SELECT key, value, updated_at FROM settings ORDER BY key').all() as SettingRow[]).map(toSetting);
}
