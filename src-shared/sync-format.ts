import { z } from 'zod';
import { contextSchema, labelPattern } from './reading';

/**
 * The upstream sync format, version 1 (README, "Sync to an organisation"). A site publishes
 * batches of readings to `outpost/v1/sites/{site}/readings` with QoS 1; the
 * organisation may publish commands to `outpost/v1/sites/{site}/commands`.
 * Every field is validated on receipt: the payload crosses a trust boundary.
 */
export const syncFormatVersion = 1;

/** Site ids become one MQTT topic level and a device label prefix: no `/`, `+`, `#` or `.`. */
export const siteIdPattern = /^[a-z0-9][a-z0-9_-]{0,31}$/;
export const siteIdSchema = z.string().regex(siteIdPattern, 'a site id is 1-32 lowercase letters, digits, "-" or "_", starting with a letter or digit');

/** Readings per batch: bounded so a batch stays far below every broker's packet limit. */
export const maxBatchReadings = 1000;

export const syncTopics = {
  readings: (site: string) => `outpost/v1/sites/${site}/readings`,
  commands: (site: string) => `outpost/v1/sites/${site}/commands`,
  /** `outpost/v1/sites/{site}/readings` -> site id, or null for any other topic. */
  readingsSite(topic: string): string | null {
    const m = /^outpost\/v1\/sites\/([^/]+)\/readings$/.exec(topic);
    return m && siteIdPattern.test(m[1]!) ? m[1]! : null;
  },
};

const label = z.string().regex(labelPattern);
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

/**
 * The stable reading id: `{origin}:{seq}`, where `origin` is the sending hub's
 * id (a UUID fixed for its data directory) and `seq` the reading's place in
 * that hub's outbox (never reused). A resent reading carries the same id, so
 * a receiver de-duplicates by it.
 */
export function readingUid(origin: string, seq: number): string {
  return `${origin}:${seq}`;
}

export const readingUidSchema = z.string().regex(/^[0-9a-f-]{36}:[1-9][0-9]{0,15}$/);

export function parseReadingUid(uid: string): { origin: string; seq: number } {
  const at = uid.lastIndexOf(':');
  return { origin: uid.slice(0, at), seq: Number(uid.slice(at + 1)) };
}

export const syncReadingSchema = z
  .object({
    id: readingUidSchema,
    device: label,
    variable: label,
    ts: z.number().int().nonnegative(),
    value: z.number().finite(),
    context: contextSchema.optional(),
  })
  .strict();

export const syncBatchSchema = z
  .object({
    v: z.literal(syncFormatVersion),
    site: siteIdSchema,
    origin: uuid,
    sentAt: z.number().int(),
    readings: z.array(syncReadingSchema).min(1).max(maxBatchReadings),
  })
  .strict()
  .superRefine((batch, ctx) => {
    batch.readings.forEach((r, i) => {
      if (parseReadingUid(r.id).origin !== batch.origin) ctx.addIssue({ code: 'custom', path: ['readings', i, 'id'], message: 'the reading id must start with the batch origin' });
    });
  });

export type SyncReading = z.infer<typeof syncReadingSchema>;
export type SyncBatch = z.infer<typeof syncBatchSchema>;

/** A command from the organisation to one device of a site. */
export const syncCommandSchema = z
  .object({
    v: z.literal(syncFormatVersion),
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    device: label,
    kind: z.enum(['control', 'rpc']),
    variable: label.optional(),
    value: z.number().finite().optional(),
    method: z.string().min(1).max(64).optional(),
    params: z.unknown().optional(),
    requestedBy: z.string().min(1).max(128),
    expiresAt: z.number().int().optional(),
  })
  .strict()
  .refine((c) => (c.kind === 'control' ? c.variable !== undefined && c.value !== undefined : c.method !== undefined), {
    message: 'a control command needs variable and value; an rpc command needs method',
  });

export type SyncCommand = z.infer<typeof syncCommandSchema>;
