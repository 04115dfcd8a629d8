import { tbRpcResponseTopic } from '../../../src-shared/protocols/mqtt-topics';
import { maxMessageDepth, preParseJson } from '../../../src-shared/protocols/dots';
import { parseRpcRequest } from '../../../src-shared/protocols/thingsboard';
import { meAndPayload, type PublishHandler } from './types';

/** Methods a device may call on the hub (client-side RPC). */
const serverMethods: Record<string, (params: unknown) => unknown> = {
  getCurrentTime: () => ({ time: Date.now() }),
};

/** Any JSON is a valid answer; text that is not JSON is kept as a string. */
function parseAnswer(text: string) {
  const parsed = preParseJson(text, maxMessageDepth);
  if ('error' in parsed && parsed.error.reason !== 'bad_json') return parsed;
  return { answer: 'error' in parsed ? text : parsed.value };
}

/** `v1/devices/me/rpc/response/{id}`: the device answers a command the hub sent. */
export const tbRpcResponse: PublishHandler<'tb-rpc-response'> = (deps, session, target, packet) => {
  const got = meAndPayload(deps, session, packet, parseAnswer);
  if (got) deps.rpc.answered(got.device.id, target.requestId, got.payload.answer);
};

/** `v1/devices/me/rpc/request/{id}`: the device calls the hub; the answer goes to `.../response/{id}`. */
export const tbRpcRequest: PublishHandler<'tb-rpc-request'> = (deps, session, target, packet) => {
  const got = meAndPayload(deps, session, packet, parseRpcRequest);
  if (!got) return;
  const { device, payload: request } = got;
  const method = serverMethods[request.method];
  const answer = method ? method(request.params) : { error: `unknown method "${request.method.slice(0, 64)}"; the hub answers: ${Object.keys(serverMethods).join(', ')}` };
  const topic = tbRpcResponseTopic(target.requestId);
  // The device asked, so the answer goes out even if it did not subscribe first.
  if (!session.sendIfSubscribed(topic, JSON.stringify(answer), device.id)) session.send(topic, JSON.stringify(answer), 1, device.id);
};
