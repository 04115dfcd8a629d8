import { z } from 'zod';
import { idSchema } from './common';
import { labelSchema } from '../../reading';

/** Ten years either side of now is plenty; beyond that a number is a mistake (seconds for ms, say). */
const timeSchema = z.number().int().min(0).max(8_640_000_000_000);
const variablesSchema = z.array(labelSchema).min(1).max(20);
const rangeRule = { check: (r: { from: number; to: number }) => r.from < r.to, message: '`from` must be before `to`' };

const nullableNumbers = z.array(z.number().nullable());

export const seriesSchema = z.object({
  variable: z.string(),
  unit: z.string().nullable(),
  /** `raw`: one entry per reading; `raw-buckets`, `1m`, `1h`: one entry per bucket, computed from readings or from 1-minute or 1-hour rollups. */
  resolution: z.enum(['raw', 'raw-buckets', '1m', '1h']),
  bucketMs: z.number().int().positive().nullable(),
  t: z.array(z.number()),
  min: nullableNumbers,
  max: nullableNumbers,
  mean: nullableNumbers,
  last: nullableNumbers,
  count: z.array(z.number().int()),
});
export type Series = z.infer<typeof seriesSchema>;

export const seriesInputSchema = z
  // `variables` left out: every variable of the device, up to 20 (a device page asks for all its charts in one call).
  .object({ deviceId: idSchema, variables: variablesSchema.optional(), from: timeSchema, to: timeSchema, maxPoints: z.number().int().min(2).max(10_000).default(1000) })
  .strict()
  .refine(rangeRule.check, { message: rangeRule.message });

export const exportFormats = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export const exportInputSchema = z
  .object({
    deviceId: idSchema,
    variables: variablesSchema,
    from: timeSchema,
    to: timeSchema,
    format: z.enum(exportFormats),
    /** `raw`: every reading; `buckets`: what readings.series returns for the same `maxPoints` (what a chart shows). */
    shape: z.enum(['raw', 'buckets']).default('raw'),
    maxPoints: z.number().int().min(2).max(10_000).default(1000),
  })
  .strict()
  .refine(rangeRule.check, { message: rangeRule.message });
export type ExportInput = z.output<typeof exportInputSchema>;

/**
 * What an export handler returns: text produced piece by piece. The console's
 * HTTPS server streams it with backpressure; over Electron IPC it is gathered
 * (the window exports what a chart shows, which is bounded).
 */
export interface ExportStream {
  filename: string;
  contentType: string;
  chunks: AsyncIterable<string>;
}

export function isExportStream(value: unknown): value is ExportStream {
  const v = value as Partial<ExportStream> | null;
  return typeof v === 'object' && v !== null && typeof v.filename === 'string' && typeof v.contentType === 'string' && typeof v.chunks?.[Symbol.asyncIterator] === 'function';
}

export const historyMethods = {
  'readings.series': {
    input: seriesInputSchema,
    output: z.object({ deviceId: idSchema, from: z.number(), to: z.number(), series: z.array(seriesSchema) }),
    permission: 'readings:read',
    devices: 'one',
    description:
      'Variables of one device (all of them, up to 20, when `variables` is left out) between `from` and `to` (ms since the epoch) in at most `maxPoints` entries each: raw readings, or buckets with min, max, mean, last and count; empty buckets are nulls (gaps). Also GET /api/devices/{id}/series?variables=a,b&from=&to=&maxPoints=.',
  },
  'readings.positions': {
    input: z.object({ deviceId: idSchema, variable: labelSchema, from: timeSchema, to: timeSchema, maxPoints: z.number().int().min(2).max(10_000).default(500) }).strict().refine(rangeRule.check, { message: rangeRule.message }),
    output: z.object({ unit: z.string().nullable(), points: z.array(z.object({ ts: z.number(), lat: z.number(), lng: z.number(), value: z.number() })) }),
    permission: 'readings:read',
    devices: 'one',
    description: 'Where a device was: readings of a position variable whose context has lat/lng, at most `maxPoints` (the last of each bucket when there are more).',
  },
  'readings.export': {
    input: exportInputSchema,
    output: z.custom<ExportStream>(isExportStream, 'an export stream'),
    permission: 'readings:read',
    devices: 'one',
    kind: 'export',
    description:
      'Readings of a device as CSV or NDJSON, raw or as chart buckets, streamed. Over HTTPS: GET /api/devices/{id}/export?variables=a,b&from=ISO&to=ISO&format=csv&shape=raw. Audited.',
  },
} as const;
