import type { Db } from '../../store/database';

export interface MqttSessionCounters {
  bytesIn: number;
  bytesOut: number;
  messagesIn: number;
  messagesOut: number;
}

export interface MqttSession extends MqttSessionCounters {
  id: number;
  clientId: string;
  deviceId: number | null;
  remoteAddress: string;
  connectedAt: number;
  disconnectedAt: number | null;
}

interface MqttSessionRow {
  id: number;
  client_id: string;
  device_id: number | null;
  remote_address: string;
  connected_at: number;
  disconnected_at: number | null;
  bytes_in: number;
  bytes_out: number;
  messages_in: number;
  messages_out: number;
}

const toSession = (r: MqttSessionRow): MqttSession => ({
  id: r.id,
  clientId: r.client_id,
  deviceId: r.device_id,
  remoteAddress: r.remote_address,
  connectedAt: r.connected_at,
  disconnectedAt: r.disconnected_at,
  bytesIn: r.bytes_in,
  bytesOut: r.bytes_out,
  messagesIn: r.messages_in,
  messagesOut: r.messages_out,
});

export function mqttSessionStatements(db: Db) {
  const open = db.prepare('INSERT INTO mqtt_sessions (client_id, device_id, remote_address, connected_at) VALUES (?, ?, ?, ?)');
  const update = db.prepare('UPDATE mqtt_sessions SET bytes_in = ?, bytes_out = ?, messages_in = ?, messages_out = ?, disconnected_at = ? WHERE id = ?');
  return {
    open(s: { clientId: string; deviceId: number | null; remoteAddress: string; connectedAt: number }): number {
      return Number(open.run(s.clientId, s.deviceId, s.remoteAddress, s.connectedAt).lastInsertRowid);
    },
    /** Counters are totals for the session, not deltas. */
    update(id: number, c: MqttSessionCounters, disconnectedAt: number | null): void {
      update.run(c.bytesIn, c.bytesOut, c.messagesIn, c.messagesOut, disconnectedAt, id);
    },
  };
}

/** Sessions a crash left open: closed at the hub's next start. */
export function closeDanglingSessions(db: Db, now: number): number {
  return db.prepare('UPDATE mqtt_sessions SET disconnected_at = ? WHERE disconnected_at IS NULL').run(now).changes;
}

export function listMqttSessions(db: Db, deviceId: number): MqttSession[] {
  return (db.prepare('SELECT * FROM mqtt_sessions WHERE device_id = ? ORDER BY id').all(deviceId) as MqttSessionRow[]).map(toSession);
}

/** Open sessions' devices (null for an ingest token's session), for the Hub page's counters. */
export function openSessionDevices(db: Db): (number | null)[] {
  return db.prepare('SELECT device_id FROM mqtt_sessions WHERE disconnected_at IS NULL').pluck().all() as (number | null)[];
}
