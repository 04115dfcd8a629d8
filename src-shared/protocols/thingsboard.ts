import { normalizeLabel } from '../reading';
import { checkTimestamp, checkValueDepth, emptyParse, makeDot, maxMessageDepth, parseJson, preParseJson, toNumber, type ParsedDots, type PayloadError } from './dots';

export type TelemetryParse = ParsedDots & {
  /** Non-numeric telemetry values: kept as client attributes, not errors (docs/PROTOCOLS.md). */
  attributes: Record<string, unknown>;
  error?: PayloadError;
};

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * ThingsBoard telemetry: `{"k": v}`, `{"ts": ms, "values": {...}}` or an array
 * of either. Numbers, booleans and numeric strings become readings; any other
 * string or JSON value becomes a client attribute.
 */
export function parseThingsBoardTelemetry(text: string): TelemetryParse {
  const pre = preParseJson(text);
  if ('error' in pre) return { ...emptyParse(), attributes: {}, error: pre.error };
  const out: TelemetryParse = { ...emptyParse(), attributes: {} };
  const entries = Array.isArray(pre.value) ? pre.value : [pre.value];
  for (const entry of entries) {
    if (!isObject(entry)) {
      out.rejected.push({ variable: '', reason: 'bad_shape', message: 'each telemetry entry must be a JSON object' });
      continue;
    }
    const timed = 'values' in entry && isObject(entry.values);
    const values = timed ? (entry.values as Record<string, unknown>) : entry;
    let ts: unknown;
    if (timed) {
      const time = checkTimestamp(entry.ts);
      if (!time.ok) {
        for (const key of Object.keys(values)) out.rejected.push({ variable: key, reason: 'bad_timestamp', message: `${key}: ${time.message}` });
        continue;
      }
      ts = time.ts;
    }
    for (const [key, value] of Object.entries(values)) {
      if (toNumber(value).ok || isNonFiniteSpelling(value)) makeDot(out, key, value, ts, undefined);
      else if (normalizeLabel(key)) addAttribute(out.attributes, out.rejected, normalizeLabel(key)!, value);
      else out.rejected.push({ variable: key, reason: 'bad_label', message: `"${key.slice(0, 64)}" is not a valid key` });
    }
  }
  return out;
}

/** A value nested too deeply is refused on its own (too_deep); the other keys of the message still count. */
function addAttribute(attributes: Record<string, unknown>, rejected: ParsedDots['rejected'], key: string, value: unknown): void {
  const deep = checkValueDepth(key, value);
  if (deep) rejected.push(deep);
  else attributes[key] = value;
}

/** "NaN" / "Infinity" are refused as readings (counted), not kept as text attributes. */
function isNonFiniteSpelling(value: unknown): boolean {
  return typeof value === 'string' && /^[-+]?(nan|inf|infinity)$/i.test(value.trim());
}

/** Client attributes: a flat JSON object of keys to any JSON value. */
export function parseThingsBoardAttributes(text: string): { attributes: Record<string, unknown>; rejected: ParsedDots['rejected']; error?: PayloadError } {
  const pre = preParseJson(text);
  if ('error' in pre) return { attributes: {}, rejected: [], error: pre.error };
  if (!isObject(pre.value)) return { attributes: {}, rejected: [], error: { reason: 'bad_shape', message: 'attributes must be a JSON object' } };
  const attributes: Record<string, unknown> = {};
  const rejected: ParsedDots['rejected'] = [];
  for (const [key, value] of Object.entries(pre.value)) {
    const label = normalizeLabel(key);
    if (label) addAttribute(attributes, rejected, label, value);
    else rejected.push({ variable: key, reason: 'bad_label', message: `"${key.slice(0, 64)}" is not a valid attribute key` });
  }
  return { attributes, rejected };
}

/** `{"clientKeys": "a,b", "sharedKeys": "c"}`: absent lists mean "all" of that scope. */
export function parseAttributesRequest(text: string): { clientKeys: string[] | null; sharedKeys: string[] | null } | { error: PayloadError } {
  const pre = preParseJson(text === '' ? '{}' : text, maxMessageDepth);
  if ('error' in pre) return { error: pre.error };
  if (!isObject(pre.value)) return { error: { reason: 'bad_shape', message: 'an attribute request must be a JSON object' } };
  const keys = (raw: unknown) =>
    typeof raw === 'string'
      ? raw
          .split(',')
          .map((k) => k.trim().toLowerCase())
          .filter((k) => k !== '')
      : null;
  return { clientKeys: keys(pre.value.clientKeys), sharedKeys: keys(pre.value.sharedKeys) };
}

/** A device's RPC request to the server (client-side RPC). */
export function parseRpcRequest(text: string): { method: string; params: unknown } | { error: PayloadError } {
  const pre = preParseJson(text, maxMessageDepth);
  if ('error' in pre) return { error: pre.error };
  if (!isObject(pre.value) || typeof pre.value.method !== 'string') return { error: { reason: 'bad_shape', message: 'an RPC request must be {"method": "...", "params": ...}' } };
  return { method: pre.value.method, params: pre.value.params ?? null };
}

export { parseJson };
