import { parseUbidotsDevicePayload } from '../../../src-shared/protocols/ubidots-json';
import { refusalLog } from '../../logging/refusal-log';
import { untrusted } from '../../logging/untrusted';
import { logDotRejections, refuseMessage, type PublishHandler } from './types';

/** `/v1.6/devices/{label}` with the Ubidots JSON body: one pipeline write (which checks the label and the token's device access). */
export const ubidotsPublish: PublishHandler<'ubidots'> = async (deps, session, target, packet) => {
  const label = target.device.toLowerCase();
  const parsed = parseUbidotsDevicePayload(packet.payload.toString('utf8'));
  if (parsed.error) {
    refuseMessage(deps, session, packet, parsed.error.reason, parsed.error.message, label);
    return;
  }
  const result = await deps.pipeline.ingest({
    principal: session.principal,
    protocol: 'mqtt',
    deviceLabel: label,
    dots: parsed.dots,
    rejected: parsed.rejected,
    bytes: packet.payload.length,
  });
  if (result.refused) {
    refusalLog(deps.logger).refused(session.remoteAddress, 'publish', result.refused.reason, { clientId: untrusted(session.clientId), device: untrusted(label) }, `MQTT publish refused: ${result.refused.message}`);
  }
  logDotRejections(deps, session, label, result.rejected);
};
