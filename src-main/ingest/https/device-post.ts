import { parseUbidotsDevicePayload } from '../../../src-shared/protocols/ubidots-json';
import { deviceLabelParam, ubidotsQuery } from './device-params';
import type { Exchange } from './exchange';
import { authenticateRequest } from './request-auth';
import { readJsonText } from './request-body';
import { storeAndAnswer } from './store-dots';

/** `POST /api/v1.6/devices/{label}`: a map of variable -> dot(s). */
export async function postDevice(x: Exchange, [rawLabel]: string[]): Promise<void> {
  const deviceLabel = deviceLabelParam(rawLabel);
  const principal = await authenticateRequest(x, deviceLabel);
  const { defaultTs, deviceType } = ubidotsQuery(x, deviceLabel);
  const { text, bytes } = await readJsonText(x, deviceLabel);
  await storeAndAnswer(x, { principal, deviceLabel, deviceType, parsed: parseUbidotsDevicePayload(text, defaultTs), bytes });
}
