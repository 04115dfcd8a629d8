import { ingestLimits, normalizeLabel, type Dot, type DotRejection } from '../reading';
import { jsonDepth } from './json-depth';
import { utf8Length } from './utf8';

export interface ParsedDots {
  dots: Dot[];
  rejected: DotRejection[];
}

export function emptyParse(): ParsedDots {
  return { dots: [], rejected: [] };
}

/** Numbers as firmware sends them: numbers, numeric strings ("21.5") and booleans (as 1/0). */
export function toNumber(raw: unknown): { ok: true; value: number } | { ok: false; reason: 'not_a_number' | 'non_finite' } {
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'boolean') n = raw ? 1 : 0;
  else if (typeof raw === 'string' && raw.trim() !== '' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw.trim())) n = Number(raw);
  else if (typeof raw === 'string' && /^[-+]?(nan|inf|infinity)$/i.test(raw.trim())) return { ok: false, reason: 'non_finite' };
  else return { ok: false, reason: 'not_a_number' };
  return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, reason: 'non_finite' };
}

export function checkTimestamp(raw: unknown): { ok: true; ts: number | undefined } | { ok: false; message: string } {
  if (raw === undefined || raw === null) return { ok: true, ts: undefined };
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < ingestLimits.minTimestampMs) {
    return { ok: false, message: `timestamp must be whole milliseconds since 1970 (after 2000-01-01); got ${JSON.stringify(raw)}` };
  }
  return { ok: true, ts: n };
}

export function checkContext(raw: unknown): { ok: true; context: Record<string, unknown> | undefined } | { ok: false; reason: 'bad_shape' | 'too_deep' | 'too_large'; message: string } {
  if (raw === undefined || raw === null) return { ok: true, context: undefined };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: 'bad_shape', message: 'context must be a JSON object' };
  if (jsonDepth(raw, ingestLimits.maxContextDepth) > ingestLimits.maxContextDepth) {
    return { ok: false, reason: 'too_deep', message: `context may nest at most ${ingestLimits.maxContextDepth} levels` };
  }
  if (JSON.stringify(raw).length > ingestLimits.maxContextBytes) {
    return { ok: false, reason: 'too_large', message: `context may be at most ${ingestLimits.maxContextBytes} bytes of JSON` };
  }
  return { ok: true, context: raw as Record<string, unknown> };
}

/**
 * Builds one dot from a variable label and its raw value/timestamp/context,
 * or says precisely why not.
 */
export function makeDot(out: ParsedDots, rawVariable: string, value: unknown, ts: unknown, context: unknown): void {
  const variable = normalizeLabel(rawVariable);
  if (!variable) {
    out.rejected.push({ variable: rawVariable, reason: 'bad_label', message: `"${rawVariable.slice(0, 64)}" is not a valid variable label` });
    return;
  }
  const number = toNumber(value);
  if (!number.ok) {
    out.rejected.push({
      variable,
      reason: number.reason,
      message: number.reason === 'non_finite' ? `${variable}: NaN and Infinity are not readings` : `${variable}: value must be a number, got ${describe(value)}`,
    });
    return;
  }
  const time = checkTimestamp(ts);
  if (!time.ok) {
    out.rejected.push({ variable, reason: 'bad_timestamp', message: `${variable}: ${time.message}` });
    return;
  }
  const ctx = checkContext(context);
  if (!ctx.ok) {
    out.rejected.push({ variable, reason: ctx.reason, message: `${variable}: ${ctx.message}` });
    return;
  }
  if (out.dots.length >= ingestLimits.maxDotsPerMessage) {
    out.rejected.push({ variable, reason: 'too_large', message: `at most ${ingestLimits.maxDotsPerMessage} values per message` });
    return;
  }
  out.dots.push({ variable, value: number.value, ts: time.ts, context: ctx.context });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value;
}

export type PayloadError = { reason: 'bad_json' | 'bad_shape' | 'too_deep' | 'too_large'; message: string };

/** Deepest JSON accepted as one whole value (an RPC request, `[{"ts", "values": {"k": {context}}}]`). */
export const maxMessageDepth = ingestLimits.maxContextDepth + 3;

/**
 * Size and JSON checks every JSON dialect applies before looking at the
 * shape. Depth is checked per value (a context, an attribute) so that one
 * value nested too deeply costs only itself; `maxDepth` is for payloads that
 * are one value as a whole. JSON.parse and jsonDepth do not recurse, so
 * deep input cannot overflow the stack here.
 */
export function preParseJson(text: string, maxDepth?: number): { value: unknown } | { error: PayloadError } {
  if (utf8Length(text) > ingestLimits.maxPayloadBytes) {
    return { error: { reason: 'too_large', message: `the payload is over ${ingestLimits.maxPayloadBytes} bytes` } };
  }
  const parsed = parseJson(text);
  if (!parsed.ok) return { error: { reason: 'bad_json', message: parsed.message } };
  if (maxDepth !== undefined && jsonDepth(parsed.value, maxDepth) > maxDepth) return { error: tooDeep };
  return { value: parsed.value };
}

export const tooDeep: PayloadError = { reason: 'too_deep', message: 'the payload nests too deeply' };

/** A free-form JSON value (a client attribute) is held to the same depth as a context. */
export function checkValueDepth(key: string, value: unknown): DotRejection | null {
  if (jsonDepth(value, ingestLimits.maxContextDepth) <= ingestLimits.maxContextDepth) return null;
  return { variable: key, reason: 'too_deep', message: `${key.slice(0, 64)}: a value may nest at most ${ingestLimits.maxContextDepth} levels` };
}

/** JSON.parse that reports instead of throwing. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, message: `payload is not valid JSON (${(err as Error).message})` };
  }
}
