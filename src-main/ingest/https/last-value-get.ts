import { lastValue } from '../last-value';
import { deviceLabelParam } from './device-params';
import type { Exchange } from './exchange';
import { authenticateRequest } from './request-auth';
import { HttpRefusal } from './refusal';

/** `GET /api/v1.6/devices/{label}/{variable}/lv`: the last value as a bare number. */
export async function getLastValue(x: Exchange, [rawLabel, variable]: string[]): Promise<void> {
  const deviceLabel = deviceLabelParam(rawLabel);
  const principal = await authenticateRequest(x, deviceLabel);
  // A device polling its own control variable over HTTPS picks up a pending command value here.
  if (principal.kind === 'device' && principal.label === deviceLabel) await x.deps.rpc?.fetchControl(principal.deviceId, variable ?? '');
  const found = lastValue(x.deps.db, principal, deviceLabel, variable ?? '');
  if (!found.ok) {
    const status = found.reason === 'not_authorized' ? 403 : found.reason === 'bad_label' ? 400 : 404;
    throw new HttpRefusal(status, found.reason === 'unknown_device' ? 'NOT_FOUND' : found.reason.toUpperCase(), `${capitalize(found.message)}.`, found.reason, deviceLabel);
  }
  const body = String(found.value);
  x.res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  x.res.end(body);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
