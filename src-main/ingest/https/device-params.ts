import { normalizeLabel } from '../../../src-shared/reading';
import { checkTimestamp } from '../../../src-shared/protocols/dots';
import type { Exchange } from './exchange';
import { HttpRefusal } from './refusal';

export function deviceLabelParam(raw: string | undefined): string {
  const label = normalizeLabel(raw ?? '');
  if (!label) {
    throw new HttpRefusal(400, 'BAD_LABEL', `"${(raw ?? '').slice(0, 64)}" is not a valid device label: use 1-64 letters, digits, "-", "_", "." or ":".`, 'bad_label');
  }
  return label;
}

/** Ubidots query parameters: `timestamp` (default for dots without one) and `type` (for a device created by this write). */
export function ubidotsQuery(x: Exchange, deviceLabel: string): { defaultTs: number | undefined; deviceType: string | undefined } {
  const rawTs = x.url.searchParams.get('timestamp');
  const time = checkTimestamp(rawTs ?? undefined);
  if (!time.ok) throw new HttpRefusal(400, 'BAD_TIMESTAMP', `The timestamp query parameter is invalid: ${time.message}.`, 'bad_timestamp', deviceLabel);
  const type = x.url.searchParams.get('type') ?? undefined;
  if (type !== undefined && !/^[\w .:-]{1,64}$/.test(type)) {
    throw new HttpRefusal(400, 'BAD_TYPE', 'The type query parameter must be 1-64 letters, digits, spaces, "_", "-", "." or ":".', 'bad_request', deviceLabel);
  }
  return { defaultTs: time.ts, deviceType: type };
}
