import { z } from 'zod';

/**
 * Device and variable labels, as Ubidots firmware sends them: letters, digits,
 * `-`, `_`, `.` and `:` (MAC addresses), compared case-insensitively (stored
 * lowercase, as Ubidots does). No `/`, `+` or `#`: labels become MQTT topic levels.
 */
export const labelPattern = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;
export const labelSchema = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.string().regex(labelPattern, 'not a valid label: labels are 1-64 letters, digits, "-", "_", "." or ":" and start with a letter or digit'));

export function normalizeLabel(raw: string): string | null {
  const label = raw.toLowerCase();
  return labelPattern.test(label) ? label : null;
}

export const contextSchema = z.record(z.string(), z.unknown());

/** One value of one variable, as a protocol parser hands it to the pipeline. */
export interface Dot {
  variable: string;
  value: number;
  /** ms since the epoch; absent means "now" (server time). */
  ts?: number | undefined;
  context?: Record<string, unknown> | undefined;
}

/** Why a single dot was refused; the rest of its message still counts. */
export interface DotRejection {
  variable: string;
  reason: RejectionReason;
  message: string;
}

export const rejectionReasons = [
  'bad_json',
  'bad_shape',
  'not_a_number',
  'non_finite',
  'bad_label',
  'bad_timestamp',
  'future_timestamp',
  'too_deep',
  'too_large',
  'unknown_device',
  'not_authorized',
  'bad_token',
  'rate_limited',
  /** The request was not one the listener serves (wrong method, content type, path, HTTP framing). */
  'bad_request',
  /** The client was too slow and the listener cut it off (slowloris, half-open). */
  'timeout',
] as const;
export type RejectionReason = (typeof rejectionReasons)[number];

/** A reading as stored and shown. */
export const readingSchema = z.object({
  id: z.number().int(),
  device: z.string(),
  variable: z.string(),
  ts: z.number().int(),
  value: z.number(),
  context: contextSchema.nullable(),
});
export type Reading = z.infer<typeof readingSchema>;

/** Limits every parser applies before anything reaches the pipeline. */
export const ingestLimits = {
  /** Ubidots' documented body limit. */
  maxPayloadBytes: 10 * 1024,
  maxDotsPerMessage: 1000,
  maxContextDepth: 4,
  maxContextBytes: 2048,
  /** Device clocks drift; a timestamp more than a day ahead is an error, not a reading. */
  maxFutureMs: 24 * 60 * 60 * 1000,
  /** 2000-01-01: anything earlier is a device with no clock set. */
  minTimestampMs: 946_684_800_000,
} as const;
