import { z } from 'zod';
import { orgSlugSchema, siteIdSchema } from './sync-format';

/**
 * Alarm events a site sends upstream (README, "Sync to an organisation",
 * "Alarm events"; docs/ALARMS.md "Sync upstream"), published with QoS 1 on
 * `outpost/v1/sites/{site}/alarms`. An event is identified by (site, origin,
 * alarmId, seq): `seq` is the event's place in the site's alarm outbox,
 * never reused, so an event sent again after a lost PUBACK, a reconnect or a
 * crash carries the same key and the receiver keeps it once.
 */
export const syncAlarmFormatVersion = 1;

/** Events per message: small, alarms are rare next to readings. */
export const maxAlarmEvents = 100;

export const syncAlarmEventKinds = ['raised', 'escalated', 'acknowledged', 'cleared'] as const;
export type SyncAlarmEventKind = (typeof syncAlarmEventKinds)[number];

const severity = z.enum(['warning', 'minor', 'major', 'critical']);
const text = (max: number) => z.string().max(max);

export const syncAlarmEventSchema = z
  .object({
    seq: z.number().int().positive(),
    alarmId: z.number().int().positive(),
    event: z.enum(syncAlarmEventKinds),
    /** When the change happened on the site, ms since the epoch. */
    at: z.number().int().nonnegative(),
    org: orgSlugSchema,
    device: text(64).min(1),
    variable: text(64).min(1).nullable(),
    rule: text(200).nullable(),
    severity,
    state: z.enum(['active', 'cleared']),
    value: z.number().finite().nullable(),
    peak: z.number().finite().nullable(),
    startedAt: z.number().int().nonnegative(),
    endedAt: z.number().int().nonnegative().nullable(),
    acknowledged: z.object({ at: z.number().int().nonnegative(), by: text(200), comment: text(1000).nullable() }).strict().nullable(),
  })
  .strict();

export const syncAlarmBatchSchema = z
  .object({
    v: z.literal(syncAlarmFormatVersion),
    site: siteIdSchema,
    origin: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
    sentAt: z.number().int().nonnegative(),
    events: z.array(syncAlarmEventSchema).min(1).max(maxAlarmEvents),
  })
  .strict();

export type SyncAlarmEvent = z.infer<typeof syncAlarmEventSchema>;
export type SyncAlarmBatch = z.infer<typeof syncAlarmBatchSchema>;
