import type { Db } from '../store/database';
import { hourOf, usageStatements } from '../ingest/queries/usage';
import { mqttSessionStatements, type MqttSessionCounters } from './queries/mqtt-sessions';

export interface MqttSessionOpening {
  clientId: string;
  deviceId: number | null;
  remoteAddress: string;
  connectedAt: number;
}

/** Writer-thread op: the mqtt_sessions rows of the connections made in one turn; returns their ids in order. */
export function mqttSessionsOpenOp(db: Db) {
  const sessions = mqttSessionStatements(db);
  return (payload: MqttSessionOpening[]): number[] => payload.map((s) => sessions.open(s));
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
