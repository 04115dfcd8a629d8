import type { PublishPacket } from 'aedes';
import type { PublishTarget } from '../../../src-shared/protocols/mqtt-topics';
import type { RejectionReason } from '../../../src-shared/reading';
import { refusalLog } from '../../logging/refusal-log';
import { untrusted } from '../../logging/untrusted';
import type { BrokerDeps } from '../deps';
import type { Session } from '../session';

/** One handler per kind of PUBLISH; resolves once what it stores is committed. */
export type PublishHandler<K extends PublishTarget['kind']> = (
  deps: BrokerDeps,
  session: Session,
  target: Extract<PublishTarget, { kind: K }>,
  packet: PublishPacket,
) => Promise<void> | void;

/** Counts and logs a message refused as a whole; the client still gets its PUBACK (resending would not help). */
export function refuseMessage(deps: BrokerDeps, session: Session, packet: PublishPacket, reason: RejectionReason, message: string, device = ''): void {
  const p = session.principal;
  deps.pipeline.countRejection('mqtt', reason, device || (session.deviceLabel ?? ''), 1, {
    orgId: 'orgId' in p ? p.orgId : null,
    deviceId: device ? null : session.deviceId,
    address: session.remoteAddress,
    target: packet.topic,
    payload: packet.payload,
    message,
  });
  refusalLog(deps.logger).refused(session.remoteAddress, 'publish', reason, { clientId: untrusted(session.client.id), topic: untrusted(packet.topic), bytes: packet.payload.length }, `MQTT publish refused: ${message}`);
}

/** ThingsBoard `me` topics need a device token: an organisation token names no device. */
export function meDevice(deps: BrokerDeps, session: Session, packet: PublishPacket): { id: number; label: string } | null {
  const p = session.principal;
  if (p.kind === 'device') return { id: p.deviceId, label: p.label };
  refuseMessage(deps, session, packet, 'not_authorized', 'ThingsBoard "me" topics need a device token; an organisation ingest token names no device (connect with the device\'s own token)');
  return null;
}

export function logDotRejections(deps: BrokerDeps, session: Session, device: string, rejected: readonly { variable: string; reason: RejectionReason; message: string }[]): void {
  for (const r of rejected) deps.logger.debug({ clientId: untrusted(session.client.id), device, variable: untrusted(r.variable), reason: r.reason }, `MQTT value refused: ${r.message}`);
}

/** The `me` device and the parsed payload of a ThingsBoard message, or null when refused (counted and logged). */
export function meAndPayload<R extends object>(
  deps: BrokerDeps,
  session: Session,
  packet: PublishPacket,
  parse: (text: string) => R,
): { device: { id: number; label: string }; payload: Exclude<R, { error: unknown }> } | null {
  const device = meDevice(deps, session, packet);
  if (!device) return null;
  const payload = parse(packet.payload.toString('utf8'));
  const error = (payload as { error?: { reason: RejectionReason; message: string } }).error;
  if (error) {
    refuseMessage(deps, session, packet, error.reason, error.message);
    return null;
  }
  return { device, payload: payload as Exclude<R, { error: unknown }> };
}
