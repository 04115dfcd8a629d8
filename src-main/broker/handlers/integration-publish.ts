import type { PublishPacket } from 'aedes';
import { z } from 'zod';
import type { TreeTopic } from '../../../src-shared/protocols/outpost-topics';
import type { RejectionReason } from '../../../src-shared/reading';
import { isConsolePrincipal } from '../../access/principal';
import { findDeviceByLabel } from '../../devices/queries/devices';
import type { BrokerDeps } from '../deps';
import type { Session } from '../session';
import { refuseMessage } from './types';

/** `.../{variable}/set`: a bare number, or `{"value": n}`. */
const setPayload = z.union([z.number().finite(), z.object({ value: z.number().finite() }).strict().transform((v) => v.value)]);
/** `.../rpc`: `{"method": "...", "params": ...}`. */
const rpcPayload = z.object({ method: z.string().min(1).max(100), params: z.unknown().optional() }).strict();

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A command an integration published on the command topics. It goes through
 * the console API's `commands.send` as the app itself: the same permission
 * checks (commands:send, the device in its set) and the same audit row as a
 * command sent from the console. The PUBACK follows once the command is
 * recorded; a refused one is counted and logged (MQTT 3.1.1 has no negative
 * PUBACK). Resolves either way.
 */
export async function integrationCommand(deps: BrokerDeps, session: Session, tree: Extract<TreeTopic, { kind: 'set' | 'rpc' }>, packet: PublishPacket): Promise<void> {
  const refuse = (message: string) => refuseMessage(deps, session, packet, 'not_authorized', message, tree.device);
  const principal = session.principal;
  const device = findDeviceByLabel(deps.db, principal.orgId, tree.device.toLowerCase());
  if (!device || !isConsolePrincipal(principal) || !deps.api.registry) return refuse(`there is no device "${tree.device.slice(0, 64)}" this integration may command`);
  const text = packet.payload.toString('utf8');
  let body: Record<string, unknown>;
  if (tree.kind === 'set') {
    const value = setPayload.safeParse(parseJson(text));
    if (!value.success) return refuse('a command on .../{variable}/set must be a number, or {"value": number}');
    body = { deviceId: device.id, variable: tree.variable, value: value.data, waitMs: 0 };
  } else {
    const rpc = rpcPayload.safeParse(parseJson(text));
    if (!rpc.success) return refuse('an RPC on .../rpc must be {"method": "...", "params": ...}');
    body = { deviceId: device.id, rpc: { method: rpc.data.method, params: rpc.data.params ?? {} }, waitMs: 0 };
  }
  const result = await deps.api.registry.call('commands.send', body, { origin: { address: session.remoteAddress }, principal });
  if (!result.ok) refuse(`command refused: ${result.error.message}`);
  else deps.logger.info({ app: session.integration?.name.slice(0, 100), device: device.label, kind: tree.kind }, 'integration command recorded');
}

export function refuseIntegrationPublish(deps: BrokerDeps, session: Session, packet: PublishPacket, reason: string, code: RejectionReason = 'not_authorized'): void {
  refuseMessage(deps, session, packet, code, `${reason}; the message was dropped`);
}
