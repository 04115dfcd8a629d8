import { tbAttributesResponseTopic } from '../../../src-shared/protocols/mqtt-topics';
import { parseAttributesRequest, parseThingsBoardAttributes } from '../../../src-shared/protocols/thingsboard';
import { getAttributes, setAttributes } from '../../devices/queries/device-attributes';
import { untrusted } from '../../logging/untrusted';
import { logDotRejections, meAndPayload, type PublishHandler } from './types';

/** `v1/devices/me/attributes`: the device publishes its client attributes. */
export const tbAttributes: PublishHandler<'tb-attributes'> = (deps, session, _target, packet) => {
  const got = meAndPayload(deps, session, packet, parseThingsBoardAttributes);
  if (!got) return;
  const { device, payload } = got;
  for (const r of payload.rejected) deps.pipeline.countRejection('mqtt', r.reason, device.label);
  logDotRejections(deps, session, device.label, payload.rejected);
  setAttributes(deps.db, device.id, 'client', payload.attributes, Date.now());
};

/** `v1/devices/me/attributes/request/{id}`: answered on `.../response/{id}` as `{"client", "shared"}`. */
export const tbAttributesRequest: PublishHandler<'tb-attributes-request'> = (deps, session, target, packet) => {
  const got = meAndPayload(deps, session, packet, parseAttributesRequest);
  if (!got) return;
  const { device, payload: request } = got;
  const answer: Record<string, unknown> = {};
  // A request naming only one scope gets only that scope, as ThingsBoard does.
  const both = request.clientKeys === null && request.sharedKeys === null;
  if (both || request.clientKeys) answer.client = getAttributes(deps.db, device.id, 'client', request.clientKeys);
  if (both || request.sharedKeys) answer.shared = getAttributes(deps.db, device.id, 'shared', request.sharedKeys);
  const topic = tbAttributesResponseTopic(target.requestId);
  if (!session.sendIfSubscribed(topic, JSON.stringify(answer), device.id)) {
    deps.logger.debug({ clientId: untrusted(session.client.id), topic }, 'attribute response not sent: the client is not subscribed to it');
  }
};
