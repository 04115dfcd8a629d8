import type { Db } from '../../store/database';

interface SyncStatusRow {
  state: string;
  mqtt_version: string | null;
  last_success_at: number | null;
  sent_total: number;
  last_error_code: string | null;
  last_error_message: string | null;
  last_error_hint: string | null;
  last_error_at: number | null;
  updated_at: number;
}

export interface SyncStatusRecord {
  state: string;
  mqttVersion: string | null;
  lastSuccessAt: number | null;
  sentTotal: number;
  lastError: { code: string; message: string; hint: string; at: number } | null;
  updatedAt: number;
}

const toRecord = (r: SyncStatusRow): SyncStatusRecord => ({
  state: r.state,
  mqttVersion: r.mqtt_version,
  lastSuccessAt: r.last_success_at,
  sentTotal: r.sent_total,
  lastError:
    r.last_error_code === null || r.last_error_at === null
      ? null
      : { code: r.last_error_code, message: r.last_error_message ?? '', hint: r.last_error_hint ?? '', at: r.last_error_at },
  updatedAt: r.updated_at,
});

export function readSyncStatus(db: Db): SyncStatusRecord | null {
  const row = db.prepare('SELECT * FROM sync_status WHERE id = 1').get() as SyncStatusRow | undefined;
  return row ? toRecord(row) : null;
}

export function writeSyncStatus(db: Db, s: SyncStatusRecord): void {
  db.prepare(
    `INSERT INTO sync_status (id, state, mqtt_version, last_success_at, sent_total, last_error_code, last_error_message, last_error_hint, last_error_at, updated_at)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET state = excluded.state, mqtt_version = excluded.mqtt_version, last_success_at = excluded.last_success_at,
       sent_total = excluded.sent_total, last_error_code = excluded.last_error_code, last_error_message = excluded.last_error_message,
       last_error_hint = excluded.last_error_hint, last_error_at = excluded.last_error_at, updated_at = excluded.updated_at`,
  ).run(
    s.state,
    s.mqttVersion,
    s.lastSuccessAt,
    s.sentTotal,
    s.lastError?.code ?? null,
    s.lastError?.message ?? null,
    s.lastError?.hint ?? null,
    s.lastError?.at ?? null,
    s.updatedAt,
  );
}
