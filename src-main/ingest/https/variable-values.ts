import { parseUbidotsVariableValues } from '../../../src-shared/protocols/ubidots-json';
import { deviceLabelParam, ubidotsQuery } from './device-params';
import type { Exchange } from './exchange';
import { authenticateRequest } from './request-auth';
import { readJsonText } from './request-body';
import { storeAndAnswer } from './store-dots';

/** `POST /api/v1.6/devices/{label}/{variable}/values`: one dot or an array of dots. */
export async function postVariableValues(x: Exchange, [rawLabel, variable]: string[]): Promise<void> {
  const deviceLabel = deviceLabelParam(rawLabel);
  const principal = await authenticateRequest(x, deviceLabel);
  const { defaultTs, deviceType } = ubidotsQuery(x, deviceLabel);
  const { text, bytes } = await readJsonText(x, deviceLabel);
  await storeAndAnswer(x, { principal, deviceLabel, deviceType, parsed: parseUbidotsVariableValues(variable ?? '', text, defaultTs), bytes });
}
