import type { Db } from '../../store/database';

export const hourOf = (ms: number): number => ms - (ms % 3_600_000);

export interface DeviceUsageDelta {
  messagesIn?: number;
  bytesIn?: number;
  readingsIn?: number;
  messagesOut?: number;
  bytesOut?: number;
}

export function usageStatements(db: Db) {
  const device = db.prepare(`
    INSERT INTO device_usage_hourly (device_id, hour, messages_in, bytes_in, readings_in, messages_out, bytes_out)
    VALUES (@deviceId, @hour, @messagesIn, @bytesIn, @readingsIn, @messagesOut, @bytesOut)
    ON CONFLICT (device_id, hour) DO UPDATE SET
      messages_in = messages_in + excluded.messages_in,
      bytes_in = bytes_in + excluded.bytes_in,
      readings_in = readings_in + excluded.readings_in,
      messages_out = messages_out + excluded.messages_out,
      bytes_out = bytes_out + excluded.bytes_out`);
  const rejection = db.prepare(`
    INSERT INTO rejections_hourly (hour, protocol, reason, device_label, count) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (hour, protocol, reason, device_label) DO UPDATE SET count = count + excluded.count`);
  return {
    addDevice(deviceId: number, hour: number, d: DeviceUsageDelta): void {
      device.run({
        deviceId,
        hour,
        messagesIn: d.messagesIn ?? 0,
        bytesIn: d.bytesIn ?? 0,
        readingsIn: d.readingsIn ?? 0,
        messagesOut: d.messagesOut ?? 0,
        bytesOut: d.bytesOut ?? 0,
      });
    },
    addRejection(hour: number, protocol: string, reason: string, deviceLabel: string, count: number): void {
      rejection.run(hour, protocol, reason, deviceLabel, count);
    },
  };
}

export interface DeviceUsageRow {
  hour: number;
  messagesIn: number;
  bytesIn: number;
  readingsIn: number;
  messagesOut: number;
  bytesOut: number;
}

export function deviceUsage(db: Db, deviceId: number, sinceHour: number): DeviceUsageRow[] {
  return db
    .prepare(
      `SELECT hour, messages_in AS messagesIn, bytes_in AS bytesIn, readings_in AS readingsIn, messages_out AS messagesOut, bytes_out AS bytesOut
       FROM device_usage_hourly WHERE device_id = ? AND hour >= ? ORDER BY hour`,
    )
    .all(deviceId, sinceHour) as DeviceUsageRow[];
}

export interface RejectionRow {
  hour: number;
  protocol: string;
  reason: string;
  deviceLabel: string;
  count: number;
}

export function rejections(db: Db, sinceHour: number): RejectionRow[] {
  return db
    .prepare('SELECT hour, protocol, reason, device_label AS deviceLabel, count FROM rejections_hourly WHERE hour >= ? ORDER BY hour, protocol, reason')
    .all(sinceHour) as RejectionRow[];
}
