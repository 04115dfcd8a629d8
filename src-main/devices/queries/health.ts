import type { Db } from '../../store/database';

export interface HealthThresholds {
  staleAfterS: number;
  offlineAfterS: number;
}

const thresholdColumns = 's.device_id AS deviceId, s.stale_after_s AS staleAfterS, s.offline_after_s AS offlineAfterS';
const byDevice = (rows: unknown[]) => new Map((rows as (HealthThresholds & { deviceId: number })[]).map((r) => [r.deviceId, { staleAfterS: r.staleAfterS, offlineAfterS: r.offlineAfterS }]));

/** The thresholds set on an organisation's devices, by device id (devices without a row use the defaults). */
export function thresholdsOfOrg(db: Db, orgId: number): Map<number, HealthThresholds> {
  return byDevice(db.prepare(`SELECT ${thresholdColumns} FROM device_health_settings s JOIN devices d ON d.id = s.device_id WHERE d.org_id = ?`).all(orgId));
}

/** The thresholds set on any device of the hub, by device id (the desktop tray counts every organisation's devices). */
export function thresholdsOfHub(db: Db): Map<number, HealthThresholds> {
  return byDevice(db.prepare(`SELECT ${thresholdColumns} FROM device_health_settings s`).all());
}

/** Sets a device's thresholds, or (null) goes back to the defaults. */
export function setThresholds(db: Db, deviceId: number, t: HealthThresholds | null): void {
  if (t === null) db.prepare('DELETE FROM device_health_settings WHERE device_id = ?').run(deviceId);
  else
    db.prepare(
      `INSERT INTO device_health_settings (device_id, stale_after_s, offline_after_s) VALUES (?, ?, ?)
       ON CONFLICT (device_id) DO UPDATE SET stale_after_s = excluded.stale_after_s, offline_after_s = excluded.offline_after_s`,
    ).run(deviceId, t.staleAfterS, t.offlineAfterS);
}

export interface HourFigures {
  deviceId: number;
  hour: number;
  messages: number;
  bytes: number;
  refusals: number;
}

/** An organisation's hourly accounting (messages and bytes in) and kept refusals per device and hour since `sinceHour`. */
export function hourlyOfOrg(db: Db, orgId: number, sinceHour: number): HourFigures[] {
  return db
    .prepare(
      `SELECT deviceId, hour, sum(messages) AS messages, sum(bytes) AS bytes, sum(refusals) AS refusals FROM (
         SELECT u.device_id AS deviceId, u.hour AS hour, u.messages_in AS messages, u.bytes_in AS bytes, 0 AS refusals
         FROM device_usage_hourly u JOIN devices d ON d.id = u.device_id WHERE d.org_id = @orgId AND u.hour >= @sinceHour
         UNION ALL
         SELECT device_id, at - (at % 3600000), 0, 0, count FROM refusals WHERE org_id = @orgId AND device_id IS NOT NULL AND at >= @sinceHour
       ) GROUP BY deviceId, hour`,
    )
    .all({ orgId, sinceHour }) as HourFigures[];
}

export interface VitalRow {
  deviceId: number;
  variable: string;
  value: number;
  ts: number;
}

/** Every last value of an organisation's variables (the health board picks battery, RSSI and signal ones). */
export function lastValuesOfOrg(db: Db, orgId: number): VitalRow[] {
  return db
    .prepare(
      `SELECT v.device_id AS deviceId, v.label AS variable, v.last_value AS value, v.last_ts AS ts
       FROM variables v JOIN devices d ON d.id = v.device_id WHERE d.org_id = ? AND v.last_value IS NOT NULL AND v.last_ts IS NOT NULL`,
    )
    .all(orgId) as VitalRow[];
}
