import { parseThingsBoardTelemetry } from '../../../src-shared/protocols/thingsboard';
import { setAttributes } from '../../devices/queries/device-attributes';
import { logDotRejections, meAndPayload, type PublishHandler } from './types';

/** `v1/devices/me/telemetry` and `v2/t`: numbers become readings, other values client attributes. */
export const tbTelemetry: PublishHandler<'tb-telemetry'> = async (deps, session, _target, packet) => {
  const got = meAndPayload(deps, session, packet, parseThingsBoardTelemetry);
  if (!got) return;
  const { device, payload } = got;
  if (Object.keys(payload.attributes).length > 0) setAttributes(deps.db, device.id, 'client', payload.attributes, Date.now());
  const result = await deps.pipeline.ingest({
    principal: session.principal,
    protocol: 'mqtt',
    deviceLabel: device.label,
    dots: payload.dots,
    rejected: payload.rejected,
    bytes: packet.payload.length,
  });
  logDotRejections(deps, session, device.label, result.rejected);
};
