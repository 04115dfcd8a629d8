import { parseThingsBoardAttributes, parseThingsBoardTelemetry } from '../../../src-shared/protocols/thingsboard';
import { sendJson } from '../../http/body';
import type { Principal } from '../pipeline/types';
import { getAttributes, setAttributes } from '../../devices/queries/device-attributes';
import type { Exchange } from './exchange';
import { authenticateRequest } from './request-auth';
import { readJsonText } from './request-body';
import { HttpRefusal } from './refusal';
import { storeAndAnswer } from './store-dots';

/** ThingsBoard puts a device token in the path, so the device is the token's own. */
export async function deviceOf(x: Exchange, pathToken: string | undefined): Promise<Extract<Principal, { kind: 'device' }>> {
  const principal = await authenticateRequest(x, '', pathToken ?? '');
  if (principal.kind !== 'device') {
    throw new HttpRefusal(403, 'NOT_ALLOWED', 'ThingsBoard URLs name no device, so they need a device token (outpost device add), not an ingest token.', 'not_authorized');
  }
  return principal;
}

/** `POST /api/v1/{token}/telemetry` */
export async function thingsBoardTelemetry(x: Exchange, [pathToken]: string[]): Promise<void> {
  const device = await deviceOf(x, pathToken);
  const { text, bytes } = await readJsonText(x, device.label);
  const parsed = parseThingsBoardTelemetry(text);
  // Text and JSON telemetry values are client attributes, as over MQTT (docs/PROTOCOLS.md).
  if (!parsed.error && Object.keys(parsed.attributes).length > 0) {
    setAttributes(x.deps.db, device.deviceId, 'client', parsed.attributes, Date.now());
    if (parsed.dots.length === 0 && parsed.rejected.length === 0) {
      sendJson(x.res, 200, {});
      return;
    }
  }
  await storeAndAnswer(x, { principal: device, deviceLabel: device.label, parsed, bytes });
}

/** `GET|POST /api/v1/{token}/attributes`: client attributes in, client and shared attributes out. */
export async function thingsBoardAttributes(x: Exchange, [pathToken]: string[]): Promise<void> {
  const device = await deviceOf(x, pathToken);
  if (x.req.method === 'GET') {
    const keys = (name: string) => x.url.searchParams.get(name)?.split(',').map((k) => k.trim()).filter(Boolean) ?? null;
    sendJson(x.res, 200, {
      client: getAttributes(x.deps.db, device.deviceId, 'client', keys('clientKeys')),
      shared: getAttributes(x.deps.db, device.deviceId, 'shared', keys('sharedKeys')),
    });
    return;
  }
  const { text } = await readJsonText(x, device.label);
  const parsed = parseThingsBoardAttributes(text);
  if (parsed.error) throw new HttpRefusal(parsed.error.reason === 'too_large' ? 413 : 400, parsed.error.reason.toUpperCase(), `Nothing was stored: ${parsed.error.message}.`, parsed.error.reason, device.label);
  setAttributes(x.deps.db, device.deviceId, 'client', parsed.attributes, Date.now());
  sendJson(x.res, 200, {});
}
