import { ingestLimits } from '../reading';
import { jsonDepth } from './json-depth';
import { utf8Length } from './utf8';
import { emptyParse, makeDot, parseJson, type ParsedDots } from './dots';

/** Variables whose dots carry coordinates (docs/PROTOCOLS.md: position, location, gps). */
const positionVariables = new Set(['position', 'location', 'gps']);

export type UbidotsParse = ParsedDots & { error?: { reason: 'bad_json' | 'bad_shape' | 'too_deep' | 'too_large'; message: string } };

/**
 * Ubidots v1.6 device payload: `{"var": 10}`, `{"var": {"value", "timestamp", "context"}}`
 * or `{"var": [dot, dot]}`, mixed freely. `defaultTs` (the `timestamp` query
 * parameter) applies to dots without their own.
 */
export function parseUbidotsDevicePayload(text: string, defaultTs?: number): UbidotsParse {
  const pre = preParse(text);
  if ('error' in pre) return { ...emptyParse(), error: pre.error };
  const body = pre.value;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ...emptyParse(), error: { reason: 'bad_shape', message: 'the body must be a JSON object mapping variable labels to values' } };
  }
  const out = emptyParse();
  for (const [variable, raw] of Object.entries(body as Record<string, unknown>)) {
    for (const dot of Array.isArray(raw) ? raw : [raw]) addDot(out, variable, dot, defaultTs);
  }
  return out;
}

/** `POST /api/v1.6/devices/{d}/{v}/values`: one dot or an array of dots for one variable. */
export function parseUbidotsVariableValues(variable: string, text: string, defaultTs?: number): UbidotsParse {
  const pre = preParse(text);
  if ('error' in pre) return { ...emptyParse(), error: pre.error };
  const out = emptyParse();
  for (const dot of Array.isArray(pre.value) ? pre.value : [pre.value]) addDot(out, variable, dot, defaultTs);
  return out;
}

/** Size, JSON and nesting checks every JSON dialect applies before looking at the shape. */
export function preParse(text: string): { value: unknown } | { error: NonNullable<UbidotsParse['error']> } {
  if (utf8Length(text) > ingestLimits.maxPayloadBytes) {
    return { error: { reason: 'too_large', message: `the payload is over ${ingestLimits.maxPayloadBytes} bytes` } };
  }
  const parsed = parseJson(text);
  if (!parsed.ok) return { error: { reason: 'bad_json', message: parsed.message } };
  // dot -> context -> nested objects: anything deeper is hostile, not data.
  if (jsonDepth(parsed.value, ingestLimits.maxContextDepth + 3) > ingestLimits.maxContextDepth + 3) {
    return { error: { reason: 'too_deep', message: 'the payload nests too deeply' } };
  }
  return { value: parsed.value };
}

function addDot(out: ParsedDots, variable: string, raw: unknown, defaultTs: number | undefined): void {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const dot = raw as Record<string, unknown>;
    let context = dot.context;
    let value = dot.value;
    if (positionVariables.has(variable.toLowerCase()) && 'lat' in dot && 'lng' in dot) {
      // Ubidots accepts {"lat": .., "lng": ..} directly on a position dot.
      context = { ...(typeof context === 'object' && context !== null ? context : {}), lat: dot.lat, lng: dot.lng };
      value ??= 1;
    }
    if (value === undefined && positionVariables.has(variable.toLowerCase()) && context && typeof context === 'object') value = 1;
    makeDot(out, variable, value, dot.timestamp ?? defaultTs, context);
    return;
  }
  makeDot(out, variable, raw, defaultTs, undefined);
}
