import { emptyParse, makeDot, type ParsedDots } from './dots';
import { preParse, type UbidotsParse } from './ubidots-json';

/**
 * ThingsBoard telemetry (PROTOCOLS.md): `{"k": v}`, `[{"k": v}, ...]`,
 * `{"ts": ms, "values": {"k": v}}` or an array of those. Numbers (and numeric
 * strings, booleans) become readings; other values are refused one by one.
 */
export function parseThingsBoardTelemetry(text: string): UbidotsParse {
  const pre = preParse(text);
  if ('error' in pre) return { ...emptyParse(), error: pre.error };
  const out = emptyParse();
  const entries = Array.isArray(pre.value) ? pre.value : [pre.value];
  for (const entry of entries) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      return { ...emptyParse(), error: { reason: 'bad_shape', message: 'telemetry is a JSON object, {"ts": ms, "values": {...}}, or an array of those' } };
    }
    addEntry(out, entry as Record<string, unknown>);
  }
  return out;
}

function addEntry(out: ParsedDots, entry: Record<string, unknown>): void {
  const values = entry.values;
  if ('ts' in entry && values !== null && typeof values === 'object' && !Array.isArray(values)) {
    for (const [key, value] of Object.entries(values as Record<string, unknown>)) makeDot(out, key, value, entry.ts, undefined);
    return;
  }
  for (const [key, value] of Object.entries(entry)) makeDot(out, key, value, undefined, undefined);
}

/** Client attributes: a flat JSON object of key -> any JSON value. */
export function parseThingsBoardAttributes(text: string): { ok: true; attributes: Record<string, unknown> } | { ok: false; reason: 'bad_json' | 'bad_shape' | 'too_deep' | 'too_large'; message: string } {
  const pre = preParse(text);
  if ('error' in pre) return { ok: false, ...pre.error };
  if (pre.value === null || typeof pre.value !== 'object' || Array.isArray(pre.value)) {
    return { ok: false, reason: 'bad_shape', message: 'attributes are a JSON object of key -> value' };
  }
  return { ok: true, attributes: pre.value as Record<string, unknown> };
}
