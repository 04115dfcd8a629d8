import type { Db } from '../store/database';
import { hourOf, usageStatements } from '../ingest/queries/usage';
import { mqttSessionStatements, type MqttSessionCounters } from './queries/mqtt-sessions';

/** Writer-thread op: the mqtt_sessions row of a new connection; returns its id. */
export function mqttSessionOpenOp(db: Db) {
  const sessions = mqttSessionStatements(db);
  return (payload: { clientId: string; deviceId: number | null; remoteAddress: string; connectedAt: number }): number => sessions.open(payload);
}

export interface MqttAccounting {
  sessions: { id: number; counters: MqttSessionCounters; disconnectedAt: number | null }[];
  out: { deviceId: number; at: number; messages: number; bytes: number }[];
}

/** Writer-thread op: session counters and outgoing usage, in one transaction. */
export function mqttAccountingOp(db: Db) {
  const sessions = mqttSessionStatements(db);
  const usage = usageStatements(db);
  return (payload: MqttAccounting): void => {
    for (const s of payload.sessions) sessions.update(s.id, s.counters, s.disconnectedAt);
    for (const o of payload.out) usage.addDevice(o.deviceId, hourOf(o.at), { messagesOut: o.messages, bytesOut: o.bytes });
  };
}
