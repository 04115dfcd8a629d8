import { ingestLimits, normalizeLabel, type DotRejection, type RejectionReason } from '../reading';
import { checkTimestamp, emptyParse, makeDot, type ParsedDots } from './dots';

/**
 * Ubidots TCP (docs/PROTOCOLS.md): `UA|POST|TOKEN|DEV(:NAME)(@TS)=>var:val($k=v)(@ts),...(;DEV2=>...)|end`
 * and `UA|LV|TOKEN|DEV:VAR|end`. A request is exactly five `|` fields, the
 * last one `end`; counting fields (rather than searching for "|end") keeps a
 * device called "endpoint" from ending a request early.
 */

export type TcpFrame = { ok: true; text: string; bytes: number } | { ok: false; reason: RejectionReason; message: string; bytes: number };

export interface TcpDeviceWrite {
  label: string;
  /** The raw label as sent, for error messages. */
  raw: string;
  name: string | undefined;
  parsed: ParsedDots;
  /** Length of this device's part of the payload, for accounting. */
  length: number;
  /** Set when the device part itself is unusable: nothing of it is stored. */
  error?: DotRejection;
}

export type TcpRequest =
  | { kind: 'post'; userAgent: string; token: string; devices: TcpDeviceWrite[] }
  | { kind: 'lv'; userAgent: string; token: string; device: string; variable: string }
  | { kind: 'invalid'; token: string | null; reason: RejectionReason; message: string };

const maxUserAgent = 128;
/** Control characters (bar tab, CR, LF) and U+FFFD from undecodable bytes: binary, not a request. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const binary = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;

/**
 * Splits a byte stream (decoded as UTF-8) into requests. Partial requests
 * wait for the next packet; a line with garbage, or one that passes
 * `maxLength` without ending, comes out as a malformed frame at once so the
 * client gets `ERROR|400` instead of silence, and the connection carries on.
 */
export class UbidotsTcpFramer {
  private buffer = '';

  constructor(private readonly maxLength: number = ingestLimits.maxPayloadBytes) {}

  get pending(): number {
    return this.buffer.length;
  }

  push(chunk: string): TcpFrame[] {
    this.buffer += chunk;
    const frames: TcpFrame[] = [];
    for (;;) {
      this.buffer = this.buffer.replace(/^[\s]+/, '');
      if (this.buffer === '') break;
      const frame = this.next();
      if (!frame) break;
      frames.push(frame);
    }
    return frames;
  }

  private next(): TcpFrame | null {
    const buf = this.buffer;
    let pipes = 0;
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i]!;
      if (c === '\n' || binary.test(c) || (pipes === 0 && i > maxUserAgent)) return this.malformed(i, c === '\n' ? 'the request ended at a line break before "|end"' : 'the request contains binary data or an over-long user agent');
      if (c !== '|') continue;
      pipes += 1;
      // A method or token field that reads "end" is the client ending a request that has too few fields
      // (no method starts with it, nor does any token): answer now instead of waiting for more.
      if (pipes <= 2 && buf.startsWith('end', i + 1)) return this.refuseThrough(i + 4, tooFewFields(pipes));
      if (pipes < 4) continue;
      const rest = buf.slice(i + 1, i + 4);
      if (rest === 'end') {
        this.buffer = buf.slice(i + 4);
        return { ok: true, text: buf.slice(0, i + 4), bytes: i + 4 };
      }
      if (rest.length < 3 && 'end'.startsWith(rest)) return this.waitOrRefuse();
      return this.malformed(i, 'a request has four "|"-separated fields followed by "|end"');
    }
    return this.waitOrRefuse();
  }

  /**
   * True when what is buffered ends in "|end" with fewer than four fields
   * before it (`UA|POST|TOKEN|end`): most likely a request that is missing a
   * field, though a device label may start with "end" and the rest still be
   * on its way. The connection gives it a moment, then calls `flush`.
   */
  get endsShort(): boolean {
    return this.buffer.endsWith('|end');
  }

  /** Refuses whatever is buffered (a request that stopped short of its fields). */
  flush(): TcpFrame | null {
    if (this.buffer === '') return null;
    const pipes = this.buffer.split('|').length - 1;
    // Before a final "|end" there are as many fields as pipes; an unfinished field counts as one more.
    return this.refuseThrough(this.buffer.length, tooFewFields(this.endsShort ? pipes : pipes + 1));
  }

  private refuseThrough(end: number, message: string): TcpFrame {
    this.buffer = this.buffer.slice(end);
    return { ok: false, reason: 'bad_shape', message, bytes: end };
  }

  private waitOrRefuse(): TcpFrame | null {
    if (this.buffer.length <= this.maxLength) return null;
    return this.malformed(this.buffer.length, `the request is over ${this.maxLength} bytes`, 'too_large');
  }

  /** Drops the bad request up to the next line break (or all that has arrived) and reports it once. */
  private malformed(at: number, message: string, reason: RejectionReason = 'bad_shape'): TcpFrame {
    const newline = this.buffer.indexOf('\n', at);
    const cut = newline >= 0 ? newline + 1 : this.buffer.length;
    this.buffer = this.buffer.slice(cut);
    return { ok: false, reason, message, bytes: cut };
  }
}

const tooFewFields = (fields: number): string =>
  `a request has four "|"-separated fields followed by "|end" (UA|POST|TOKEN|DEVICE=>VAR:VALUE|end or UA|LV|TOKEN|DEVICE:VAR|end); this one had ${Math.max(1, fields)}`;

export function parseUbidotsTcp(text: string): TcpRequest {
  const fields = text.split('|');
  if (fields.length !== 5 || fields[4] !== 'end') return invalid(null, 'bad_shape', 'expected UA|POST|TOKEN|payload|end or UA|LV|TOKEN|DEVICE:VARIABLE|end');
  const [userAgent = '', rawMethod = '', token = '', payload = ''] = fields;
  if (token === '') return invalid(null, 'bad_token', 'the token field is empty');
  const method = rawMethod.toUpperCase();
  if (method === 'LV') return parseLastValue(userAgent, token, payload);
  if (method !== 'POST') return invalid(token, 'bad_shape', `unknown method "${rawMethod.slice(0, 16)}"; use POST or LV`);
  const parts = payload.split(';').filter((p) => p.trim() !== '');
  if (parts.length === 0) return invalid(token, 'bad_shape', 'the request names no device');
  return { kind: 'post', userAgent, token, devices: parts.map(parseDeviceWrite) };
}

function parseLastValue(userAgent: string, token: string, payload: string): TcpRequest {
  const colon = payload.indexOf(':');
  const device = normalizeLabel(payload.slice(0, colon));
  const variable = normalizeLabel(payload.slice(colon + 1));
  if (colon < 0 || !device || !variable) return invalid(token, 'bad_label', 'LV needs DEVICE:VARIABLE with valid labels');
  return { kind: 'lv', userAgent, token, device, variable };
}

function parseDeviceWrite(part: string): TcpDeviceWrite {
  const arrow = part.indexOf('=>');
  const head = arrow < 0 ? part : part.slice(0, arrow);
  // DEV(:NAME)(@TS): the first ":" starts the name, so a label cannot contain ":" here.
  const at = head.lastIndexOf('@');
  const deviceTs = at >= 0 ? head.slice(at + 1) : undefined;
  const labelAndName = at >= 0 ? head.slice(0, at) : head;
  const colon = labelAndName.indexOf(':');
  const raw = (colon >= 0 ? labelAndName.slice(0, colon) : labelAndName).trim();
  const name = colon >= 0 ? labelAndName.slice(colon + 1).trim() || undefined : undefined;
  const label = normalizeLabel(raw) ?? '';
  const write: TcpDeviceWrite = { label, raw, name, parsed: emptyParse(), length: part.length };
  if (arrow < 0) return { ...write, error: { variable: '', reason: 'bad_shape', message: `"${part.slice(0, 64)}" has no "=>" between the device and its values` } };
  if (!label) return { ...write, error: { variable: '', reason: 'bad_label', message: `"${raw.slice(0, 64)}" is not a valid device label` } };
  const time = checkTimestamp(deviceTs);
  if (!time.ok) return { ...write, error: { variable: '', reason: 'bad_timestamp', message: `device "${label}": ${time.message}` } };
  for (const dot of part.slice(arrow + 2).split(',')) if (dot.trim() !== '') addDot(write.parsed, dot.trim(), time.ts);
  if (write.parsed.dots.length === 0 && write.parsed.rejected.length === 0) {
    return { ...write, error: { variable: '', reason: 'bad_shape', message: `device "${label}" has no values after "=>"` } };
  }
  return write;
}

/** `var:val($k=v$k2=v2)(@ts)` */
function addDot(out: ParsedDots, text: string, deviceTs: number | undefined): void {
  const colon = text.indexOf(':');
  if (colon < 0) {
    out.rejected.push({ variable: text.slice(0, 64), reason: 'bad_shape', message: `"${text.slice(0, 64)}" is not var:value` });
    return;
  }
  let rest = text.slice(colon + 1);
  let ts: unknown = deviceTs;
  const at = rest.lastIndexOf('@');
  if (at >= 0 && !rest.slice(at + 1).includes('$')) {
    ts = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const [value = '', ...pairs] = rest.split('$');
  let context: Record<string, unknown> | undefined;
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      out.rejected.push({ variable: text.slice(0, colon), reason: 'bad_shape', message: `${text.slice(0, colon)}: context "${pair.slice(0, 32)}" is not key=value` });
      return;
    }
    const v = pair.slice(eq + 1);
    context ??= {};
    // Coordinates and other numbers arrive as text; store them as numbers.
    context[pair.slice(0, eq)] = /^[-+]?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
  }
  makeDot(out, text.slice(0, colon), value, ts, context);
}

function invalid(token: string | null, reason: RejectionReason, message: string): TcpRequest {
  return { kind: 'invalid', token, reason, message };
}
