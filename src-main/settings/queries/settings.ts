import type { Db } from '../../store/database';
import { cachedStatement } from '../../store/statement-cache';

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

/** The stored JSON text, unparsed, through a statement prepared once: cheap enough to read inside every commit. */
export function readSettingText(db: Db, key: string): string | undefined {
  return (cachedStatement(db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}
