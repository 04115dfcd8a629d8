import { tbAttributesTopic, topicMatches, ubidotsDotTopic, ubidotsLastValueTopic } from '../../src-shared/protocols/mqtt-topics';
import type { StoredReading } from '../ingest/pipeline/types';
import { listVariables } from '../devices/queries/variables';
import type { BrokerDeps } from './deps';
import type { Session } from './session';

/** Ubidots `/lv` carries the bare value as text; the variable topic the full dot as JSON. */
function dotPayload(value: number, ts: number, context: Record<string, unknown> | null): string {
  return JSON.stringify(context ? { value, timestamp: ts, context } : { value, timestamp: ts });
}

function sendReading(session: Session, deviceId: number, device: string, variable: string, value: number, ts: number, context: Record<string, unknown> | null): boolean {
  const lv = session.sendIfSubscribed(ubidotsLastValueTopic(device, variable), String(value), deviceId);
  const dot = session.sendIfSubscribed(ubidotsDotTopic(device, variable), dotPayload(value, ts, context), deviceId);
  return lv || dot;
}

/** New committed readings (any protocol) go to the Ubidots subscribers of their variables. */
export function fanOutReadings(deps: BrokerDeps, readings: readonly StoredReading[]): void {
  if (!deps.sessions.hasSubscribers()) return;
  for (const r of readings) {
    for (const session of deps.sessions.forDevice(r.orgId, r.deviceId, r.device)) sendReading(session, r.deviceId, r.device, r.variable, r.value, r.ts, r.context);
  }
}

/**
 * On SUBSCRIBE, Ubidots sends the last value at once (retained semantics,
 * docs/PROTOCOLS.md): every variable of the device whose topic one of the new
 * filters matches.
 */
export function sendLastValues(deps: BrokerDeps, session: Session, deviceId: number, device: string, filters: readonly string[]): void {
  const matches = (topic: string) => filters.some((f) => topicMatches(f, topic));
  for (const v of listVariables(deps.db, deviceId)) {
    if (!v.last) continue;
    const lv = ubidotsLastValueTopic(device, v.label);
    const dot = ubidotsDotTopic(device, v.label);
    if (matches(lv)) session.send(lv, String(v.last.value), session.subscribedQos(lv) ?? 0, deviceId);
    if (matches(dot)) session.send(dot, dotPayload(v.last.value, v.last.ts, v.last.context), session.subscribedQos(dot) ?? 0, deviceId);
  }
}

/** Is some live session subscribed to this variable's Ubidots topics or to the device's shared attributes? */
export function hasControlSubscriber(deps: BrokerDeps, orgId: number, deviceId: number, device: string, variable: string): boolean {
  const topics = [ubidotsLastValueTopic(device, variable), ubidotsDotTopic(device, variable)];
  for (const s of deps.sessions.forDevice(orgId, deviceId, device)) {
    if (topics.some((t) => s.subscribedQos(t) !== null)) return true;
    if (s.deviceId === deviceId && (s.subscribedQos(tbAttributesTopic) !== null || s.subscribedQos('v2/a') !== null)) return true;
  }
  return false;
}

/** Shared-attribute updates to ThingsBoard sessions of the device subscribed to `v1/devices/me/attributes`. */
export function sendSharedAttributes(deps: BrokerDeps, deviceId: number, attributes: Record<string, unknown>): boolean {
  let sent = false;
  for (const s of deps.sessions.all()) {
    if (s.deviceId === deviceId && (s.sendIfSubscribed(tbAttributesTopic, JSON.stringify(attributes), deviceId) || s.sendIfSubscribed('v2/a', JSON.stringify(attributes), deviceId))) sent = true;
  }
  return sent;
}
