import { pino, type Logger, type DestinationStream } from 'pino';
import { tokenPrefixes } from '../../src-shared/tokens';
import { untrusted } from './untrusted';

export type { Logger };

/**
 * Field names whose values are secrets wherever they appear. pino's redaction
 * works on paths, so each name is listed at the top level and one level down
 * (`req.headers` style objects are two levels down and listed explicitly).
 */
const secretFields = [
  'token',
  'accessToken',
  'apiKey',
  'apikey',
  'password',
  'passphrase',
  'secret',
  'key',
  'masterKey',
  'privateKey',
  'authorization',
  'cookie',
  'x-auth-token',
  'x-ubidots-apikey',
];

export const redactPaths = [
  ...secretFields.map((f) => `["${f}"]`),
  ...secretFields.map((f) => `*["${f}"]`),
  ...secretFields.map((f) => `*.headers["${f}"]`),
];

/**
 * Token-shaped substrings that slip into free text (an error message quoting a
 * URL, say). Outpost tokens all carry a recognisable prefix; the list comes
 * from src-shared/tokens so a new kind is scrubbed too.
 */
const tokenPattern = new RegExp(`\\b(${Object.values(tokenPrefixes).join('|')})_[A-Za-z0-9_-]{16,}(?![A-Za-z0-9_-])`, 'g');
const bearerPattern = /(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
const urlTokenPattern = /([?&]token=)[^&\s"]+/gi;

export function scrubSecrets(text: string): string {
  return text
    .replace(tokenPattern, '$1_[REDACTED]')
    .replace(bearerPattern, '$1[REDACTED]')
    .replace(urlTokenPattern, '$1[REDACTED]');
}

/**
 * Every string the logger writes is cut to a bound, wherever it came from, so
 * no caller can grow the log by the size of what a client sent (fields at
 * `maxFieldChars`, the message and error messages at `maxMessageChars`).
 * Secrets are scrubbed before the cut, so a cut cannot hide half a token from
 * the scrubber.
 */
const maxFieldChars = 256;
const maxMessageChars = 1024;
const maxStackChars = 8192;

export interface LoggerOptions {
  level?: string;
  name?: string;
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: options.name ?? 'outpost',
      level: options.level ?? 'info',
      redact: { paths: redactPaths, censor: '[REDACTED]' },
      formatters: {
        log(object) {
          return scrubObject(object) as Record<string, unknown>;
        },
      },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? untrusted(scrubSecrets(a), maxMessageChars) : a)) as Parameters<typeof method>,
          );
        },
      },
      serializers: {
        err: (err: unknown) => {
          // Callers sometimes hand over a string or a plain object; never let logging itself throw.
          if (!(err instanceof Error)) return { message: untrusted(scrubSecrets(typeof err === 'string' ? err : JSON.stringify(err) ?? String(err)), maxMessageChars) };
          const serialized = pino.stdSerializers.err(err);
          return {
            ...serialized,
            message: untrusted(scrubSecrets(serialized.message), maxMessageChars),
            stack: serialized.stack ? untrusted(scrubSecrets(serialized.stack), maxStackChars) : serialized.stack,
          };
        },
      },
    },
    options.destination ?? pino.destination(2),
  );
}

const secretFieldNames = new Set(secretFields.map((f) => f.toLowerCase()));

/** Redacts secret-named fields at any depth (the path list above stops two levels down), scrubs and bounds strings. */
function scrubObject(value: unknown, depth = 0): unknown {
  if (depth > 6) return value;
  if (typeof value === 'string') return untrusted(scrubSecrets(value), maxFieldChars);
  if (Array.isArray(value)) return value.map((v) => scrubObject(v, depth + 1));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = secretFieldNames.has(k.toLowerCase()) ? '[REDACTED]' : scrubObject(v, depth + 1);
    return out;
  }
  return value;
}
