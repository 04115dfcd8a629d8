import { jsonDepth } from './json-depth';
import { emptyParse, makeDot, maxMessageDepth, preParseJson, tooDeep, type ParsedDots, type PayloadError } from './dots';

/** Variables whose dots carry coordinates (docs/PROTOCOLS.md: position, location, gps). */
const positionVariables = new Set(['position', 'location', 'gps']);

export type UbidotsParse = ParsedDots & { error?: PayloadError };

/**
 * Ubidots v1.6 device payload: `{"var": 10}`, `{"var": {"value", "timestamp", "context"}}`
 * or `{"var": [dot, dot]}`, mixed freely. `defaultTs` (the `timestamp` query
 * parameter) applies to dots without their own.
 */
export function parseUbidotsDevicePayload(text: string, defaultTs?: number): UbidotsParse {
  const pre = preParseJson(text);
  if ('error' in pre) return { ...emptyParse(), error: pre.error };
  const body = pre.value;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    if (jsonDepth(body, maxMessageDepth) > maxMessageDepth) return { ...emptyParse(), error: tooDeep };
    return { ...emptyParse(), error: { reason: 'bad_shape', message: 'the body must be a JSON object mapping variable labels to values' } };
  }
  // No depth limit on the body as a whole: a context nested too deeply costs only its own dot (too_deep).
  const out = emptyParse();
  for (const [variable, raw] of Object.entries(body as Record<string, unknown>)) {
    for (const dot of Array.isArray(raw) ? raw : [raw]) addDot(out, variable, dot, defaultTs);
  }
  return out;
}

/** `POST /api/v1.6/devices/{d}/{v}/values`: one dot or an array of dots for one variable. */
export function parseUbidotsVariableValues(variable: string, text: string, defaultTs?: number): UbidotsParse {
  const pre = preParseJson(text);
  if ('error' in pre) return { ...emptyParse(), error: pre.error };
  const out = emptyParse();
  for (const dot of Array.isArray(pre.value) ? pre.value : [pre.value]) addDot(out, variable, dot, defaultTs);
  return out;
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
