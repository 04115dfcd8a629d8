import { z } from 'zod';
import { contextSchema, labelPattern } from './reading';

/**
 * The upstream sync format (README, "Sync to an organisation"). A site publishes
 * batches of readings to `outpost/v1/sites/{site}/readings` with QoS 1; the
 * organisation may publish commands to `outpost/v1/sites/{site}/commands` and,
 * an Outpost organisation hub, receipts naming the readings it refused to
 * `outpost/v1/sites/{site}/receipts`. The topic namespace stays `v1`; the
 * payload carries its own version (`v`). Every field is validated on receipt:
 * the payload crosses a trust boundary.
 *
 * Version 2 names the site organisation of every reading and command: two
 * organisations of one site may each have a device `boiler-1`. Version 1 had
 * no organisation; a receiver maps it to the site's first organisation.
 */
export const syncFormatVersion = 2;

/** Site ids become one MQTT topic level and a device label prefix: no `/`, `+`, `#`, `.` or `:`. */
export const siteIdPattern = /^[a-z0-9][a-z0-9_-]{0,31}$/;
export const siteIdSchema = z.string().regex(siteIdPattern, 'a site id is 1-32 lowercase letters, digits, "-" or "_", starting with a letter or digit');

/** An organisation's slug on the site (as `orgs.create` accepts it): no `.`, `:` or `_`. */
export const orgSlugPattern = /^[a-z0-9][a-z0-9-]{0,40}$/;
export const orgSlugSchema = z.string().regex(orgSlugPattern, 'an organisation is named by its slug: 1-41 lowercase letters, digits or "-"');

/**
 * The slug of every hub's first organisation (created with its database).
 * Readings and commands in format version 1 belong to it.
 */
export const firstOrgSlug = 'default';

/** Readings per batch: bounded so a batch stays far below every broker's packet limit. */
export const maxBatchReadings = 1000;

export const syncTopics = {
  readings: (site: string) => `outpost/v1/sites/${site}/readings`,
  commands: (site: string) => `outpost/v1/sites/${site}/commands`,
  receipts: (site: string) => `outpost/v1/sites/${site}/receipts`,
  /** Alarm events of the site (sync-alarms.ts), site -> organisation. */
  alarms: (site: string) => `outpost/v1/sites/${site}/alarms`,
  /** The site's hello, a subscription (sync-hello.ts): its residency label (`none` for none) as the last level. */
  hello: (site: string, residency: string | null) => `outpost/v1/sites/${site}/hello/${residency ?? 'none'}`,
  /** `outpost/v1/sites/{site}/readings` -> site id, or null for any other topic. */
  readingsSite(topic: string): string | null {
    const m = /^outpost\/v1\/sites\/([^/]+)\/readings$/.exec(topic);
    return m && siteIdPattern.test(m[1]!) ? m[1]! : null;
  },
};

const label = z.string().regex(labelPattern, 'labels are 1-64 lowercase letters, digits, "-", "_", "." or ":" and start with a letter or digit');
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

const readingFields = {
  id: readingUidSchema,
  device: label,
  variable: label,
  ts: z.number().int().nonnegative(),
  value: z.number().finite(),
  context: contextSchema.optional(),
};

/** Version 1: no organisation. */
export const syncReadingV1Schema = z.object(readingFields).strict();
export const syncReadingSchema = z.object({ ...readingFields, org: orgSlugSchema }).strict();

export type SyncReading = z.infer<typeof syncReadingSchema>;

const envelopeFields = {
  site: siteIdSchema,
  origin: uuid,
  sentAt: z.number().int(),
};

export const syncBatchSchema = z
  .object({ v: z.literal(syncFormatVersion), ...envelopeFields, readings: z.array(syncReadingSchema).min(1).max(maxBatchReadings) })
  .strict()
  .superRefine((batch, ctx) => {
    batch.readings.forEach((r, i) => {
      if (parseReadingUid(r.id).origin !== batch.origin) ctx.addIssue({ code: 'custom', path: ['readings', i, 'id'], message: 'the reading id must start with the batch origin' });
    });
  });

export type SyncBatch = z.infer<typeof syncBatchSchema>;

/** A batch's frame; each reading is checked on its own, so one bad reading does not cost the others. */
const batchEnvelopeSchema = z
  .object({ v: z.union([z.literal(1), z.literal(2)]), ...envelopeFields, readings: z.array(z.object({ id: readingUidSchema }).passthrough()).min(1).max(maxBatchReadings) })
  .strict();

export interface ParsedBatch {
  v: 1 | 2;
  site: string;
  origin: string;
  /** In batch order; v1 readings get the site's first organisation. */
  readings: ({ ok: true; reading: SyncReading } | { ok: false; id: string; reason: string })[];
}

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
    .join('; ');
}

/**
 * Reads a batch in format version 1 or 2. Throws (with the reason) when the
 * frame is broken: no site, no origin, a reading id that is missing or of
 * another origin. A reading that is wrong in itself is returned as refused.
 */
export function parseSyncBatch(raw: unknown): ParsedBatch {
  const frame = batchEnvelopeSchema.safeParse(raw);
  if (!frame.success) throw new Error(`the batch does not follow sync format v1 or v2: ${issues(frame.error)}`);
  const { v, site, origin } = frame.data;
  const readings = frame.data.readings.map((r, i): ParsedBatch['readings'][number] => {
    if (parseReadingUid(r.id).origin !== origin) throw new Error(`readings.${i}.id: the reading id must start with the batch origin`);
    const parsed = v === 1 ? syncReadingV1Schema.safeParse(r) : syncReadingSchema.safeParse(r);
    if (!parsed.success) return { ok: false, id: r.id, reason: `the reading does not follow sync format v${v}: ${issues(parsed.error)}` };
    return { ok: true, reading: { org: firstOrgSlug, ...parsed.data } };
  });
  return { v, site, origin, readings };
}

/** A reading as the site is about to send it: the check both ends apply, for the site's dead-letter list. */
export function checkSyncReading(reading: unknown): string | null {
  const parsed = syncReadingSchema.safeParse(reading);
  return parsed.success ? null : `the reading does not follow sync format v${syncFormatVersion}: ${issues(parsed.error)}`;
}

/**
 * `checkSyncReading` for a stream of readings. A full check costs a few
 * microseconds, about as much as the rest of sending a reading; labels repeat
 * in every batch, so an (org, device, variable) that passed is remembered and
 * a later reading of it only has its numbers checked (the schema's rules for
 * `ts` and `value`; its context comes from this hub's own database as an object).
 */
export function syncReadingChecker(maxRemembered = 10_000): (reading: SyncReading) => string | null {
  const passed = new Set<string>();
  return (reading) => {
    const key = `${reading.org}\0${reading.device}\0${reading.variable}`;
    if (passed.has(key) && Number.isSafeInteger(reading.ts) && reading.ts >= 0 && Number.isFinite(reading.value)) return null;
    const refused = checkSyncReading(reading);
    if (refused === null) {
      if (passed.size >= maxRemembered) passed.clear();
      passed.add(key);
    }
    return refused;
  };
}

const commandFields = {
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  device: label,
  kind: z.enum(['control', 'rpc']),
  variable: label.optional(),
  value: z.number().finite().optional(),
  method: z.string().min(1).max(64).optional(),
  params: z.unknown().optional(),
  requestedBy: z.string().min(1).max(128),
  expiresAt: z.number().int().optional(),
};

const commandComplete = (c: { kind: 'control' | 'rpc'; variable?: string | undefined; value?: number | undefined; method?: string | undefined }) =>
  c.kind === 'control' ? c.variable !== undefined && c.value !== undefined : c.method !== undefined;
const commandCompleteMessage = { message: 'a control command needs variable and value; an rpc command needs method' };

/**
 * A command from the organisation to one device of one organisation of a
 * site. Version 1 (no `org`) is still accepted and means the site's first organisation.
 */
export const syncCommandSchema = z
  .discriminatedUnion('v', [
    z.object({ v: z.literal(1), ...commandFields }).strict(),
    z.object({ v: z.literal(2), org: orgSlugSchema, ...commandFields }).strict(),
  ])
  .refine(commandComplete, commandCompleteMessage)
  .transform((c) => ({ org: firstOrgSlug, ...c }));

export type SyncCommand = z.output<typeof syncCommandSchema>;
/** What an organisation hub publishes (always version 2). */
export type SyncCommandV2 = Extract<z.input<typeof syncCommandSchema>, { v: 2 }>;

/** Reasons come from the other end: bounded before they are stored or shown. */
const reasonSchema = z.string().min(1).transform((s) => (s.length > 500 ? `${s.slice(0, 497)}...` : s));

/**
 * The receipt an Outpost organisation hub publishes after it acknowledged a
 * batch of which it refused some readings. MQTT 3.1.1 has no negative PUBACK
 * (MQTT-3.3.5-2), so the refusal travels as a message of its own.
 */
export const syncReceiptSchema = z
  .object({
    v: z.literal(2),
    site: siteIdSchema,
    origin: uuid,
    at: z.number().int(),
    refused: z
      .array(
        z
          .object({
            id: readingUidSchema,
            reason: reasonSchema,
            org: z.string().max(64).optional(),
            device: z.string().max(64).optional(),
            variable: z.string().max(64).optional(),
            ts: z.number().int().optional(),
          })
          .strict(),
      )
      .min(1)
      .max(maxBatchReadings),
  })
  .strict();

export type SyncReceipt = z.infer<typeof syncReceiptSchema>;
