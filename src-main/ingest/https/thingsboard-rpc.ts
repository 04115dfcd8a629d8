import { maxMessageDepth, preParseJson } from '../../../src-shared/protocols/dots';
import { sendJson } from '../../http/body';
import type { Exchange, HttpsRpc } from './exchange';
import { HttpRefusal } from './refusal';
import { readJsonText } from './request-body';
import { deviceOf } from './thingsboard';

function rpcOf(x: Exchange): HttpsRpc {
  if (!x.deps.rpc) throw new HttpRefusal(404, 'NOT_FOUND', 'This listener delivers no commands (it runs without the hub’s command service).', null);
  return x.deps.rpc;
}

/**
 * `GET /api/v1/{token}/rpc`: a device that only speaks HTTPS fetches its
 * oldest pending RPC, `{"id","method","params"}` as over MQTT. The hub does
 * not hold the request open: with nothing pending it answers 408 at once, as
 * ThingsBoard does when its wait ends empty, and the device asks again later.
 */
export async function thingsBoardRpcFetch(x: Exchange, [pathToken]: string[]): Promise<void> {
  const device = await deviceOf(x, pathToken);
  const c = rpcOf(x).fetchRpc(device.deviceId);
  if (!c) {
    sendJson(x.res, 408, { code: 'NO_COMMAND', message: 'No RPC is pending for this device; ask again later.' });
    return;
  }
  // ThingsBoard firmware reads the id as an integer (ids are increasing integers, queries/commands.ts).
  sendJson(x.res, 200, { id: Number(c.id), method: c.method ?? '', params: c.params ?? null });
}

/** `POST /api/v1/{token}/rpc/{id}`: the answer to RPC `id`; any JSON. */
export async function thingsBoardRpcAnswer(x: Exchange, [pathToken, id]: string[]): Promise<void> {
  const device = await deviceOf(x, pathToken);
  const rpc = rpcOf(x);
  const { text } = await readJsonText(x, device.label);
  const parsed = preParseJson(text, maxMessageDepth);
  if ('error' in parsed) throw new HttpRefusal(400, parsed.error.reason.toUpperCase(), `The answer was not recorded: ${parsed.error.message}.`, parsed.error.reason, device.label);
  if (!rpc.answered(device.deviceId, id ?? '', parsed.value)) {
    throw new HttpRefusal(404, 'NO_SUCH_COMMAND', `This device has no open RPC "${(id ?? '').slice(0, 32)}" (already answered, expired, or never sent to it).`, null);
  }
  sendJson(x.res, 200, {});
}
