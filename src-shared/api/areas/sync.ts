import { z } from 'zod';
import { labelSchema } from '../../reading';
import { siteIdSchema } from '../../sync-format';
import { syncAlarmEventSchema } from '../../sync-alarms';

/** `mqtts://host:port`: TLS is not optional upstream. */
export const upstreamUrlSchema = z
  .string()
  .regex(/^mqtts:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'the upstream URL must look like mqtts://host:port (TLS only)');

export const syncSettingsSchema = z.object({
  url: upstreamUrlSchema,
  siteId: siteIdSchema,
  username: z.string().min(1).max(256),
  /** PEM of the CA the upstream's certificate must chain to (pinning): the system store is not used. */
  caPem: z.string().includes('-----BEGIN CERTIFICATE-----', { message: 'the CA must be a PEM certificate' }),
  /** null: every device. */
  devices: z.array(labelSchema).nullable(),
  enabled: z.boolean(),
  /** Commands from the organisation reach devices only when this is on. */
  allowRemoteCommands: z.boolean(),
  /** Readings this hub itself received from sites (protocol "sync") are sent on only when this is on. */
  forwardSynced: z.boolean(),
});
export type SyncSettings = z.infer<typeof syncSettingsSchema>;

/** When sync is switched on: also queue the readings stored while it was off (`include`), or start from now (`from-now`, the default). */
export const syncHistorySchema = z.enum(['include', 'from-now']);

export const syncConfigureInputSchema = syncSettingsSchema
  .partial()
  .extend({
    /** Needed on the first configuration and whenever url or caPem change: a password is never sent to another upstream. */
    password: z.string().min(1).max(4096).optional(),
    /** Only with a change that switches sync on. */
    history: syncHistorySchema.optional(),
  })
  .strict();
export type SyncConfigureInput = z.infer<typeof syncConfigureInputSchema>;

export const syncErrorSchema = z.object({ code: z.string(), message: z.string(), hint: z.string(), at: z.number().int() });

/** A reading that will not be sent: the site's own check or the organisation refused it. */
export const syncDeadLetterSchema = z.object({
  /** The stable reading id `{hubId}:{seq}`. */
  id: z.string(),
  at: z.number().int(),
  /** `site`: it failed this hub's check before sending; `upstream`: the organisation hub refused it (receipt). */
  source: z.enum(['site', 'upstream']),
  reason: z.string(),
  org: z.string().nullable(),
  device: z.string().nullable(),
  variable: z.string().nullable(),
  ts: z.number().int().nullable(),
});
export type SyncDeadLetter = z.infer<typeof syncDeadLetterSchema>;

/** Whether readings stored before sync was switched on are sent. */
export const syncCoverageSchema = z.object({
  /** When sync was last switched on; null while off (or when switched on by a version that did not record it). */
  since: z.number().int().nullable(),
  /** `included`: readings stored while sync was off were queued then; `from-now`: they are not sent. */
  history: z.enum(['included', 'from-now']).nullable(),
});

export const syncStatusSchema = z.object({
  configured: z.boolean(),
  enabled: z.boolean(),
  state: z.enum(['unconfigured', 'disabled', 'connecting', 'connected', 'offline']),
  url: z.string().nullable(),
  siteId: z.string().nullable(),
  /** As the running hub applies it (the CLI's change takes effect within a second). */
  allowRemoteCommands: z.boolean(),
  mqttVersion: z.enum(['5', '3.1.1']).nullable(),
  backlog: z.number().int(),
  oldestUnsentAt: z.number().int().nullable(),
  lastSuccessAt: z.number().int().nullable(),
  sentTotal: z.number().int(),
  lastError: syncErrorSchema.nullable(),
  coverage: syncCoverageSchema,
  /** Readings that will not be sent: how many, and the newest few with their reason. */
  deadLetters: z.object({ count: z.number().int(), recent: z.array(syncDeadLetterSchema) }),
  /** When the hub last wrote this status; the CLI reads it from another process. */
  updatedAt: z.number().int().nullable(),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

export const siteSchema = z.object({ siteId: z.string(), hint: z.string(), createdAt: z.number(), revoked: z.boolean() });

export const syncPublicSettingsSchema = syncSettingsSchema.extend({
  hasPassword: z.boolean(),
  coverage: syncCoverageSchema,
  /** Earlier readings this change queued (`history: include`). */
  historyQueued: z.number().int(),
  /** This change switched sync on (coverage says from when). */
  switchedOn: z.boolean(),
});

const siteAlarmEventSchema = syncAlarmEventSchema.extend({ site: siteIdSchema, receivedAt: z.number().int(), deviceId: z.number().int() });

export const syncMethods = {
  'sync.status': {
    input: z.object({}).strict(),
    output: syncStatusSchema,
    permission: 'hub:admin',
    description: 'Upstream sync state (the hub owner only): connected or offline, backlog, oldest unsent reading, last success, last error, and the readings that will not be sent (dead letters) with their reason.',
  },
  'sync.configure': {
    input: syncConfigureInputSchema,
    output: syncPublicSettingsSchema,
    permission: 'hub:admin',
    kind: 'write',
    description:
      'Changes the upstream sync settings (the hub owner only); the password goes to the OS keychain, never to the database. A new url or CA needs the password again. When it switches sync on, history says whether readings stored while it was off are sent (default: from now).',
  },
  'alarms.sites': {
    input: z.object({ siteId: siteIdSchema.optional(), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    output: z.array(siteAlarmEventSchema),
    permission: 'devices:read',
    devices: 'list',
    description:
      'On an organisation hub: the alarm events its sites sent (raised, escalated, acknowledged, cleared), newest first, of the site devices the caller may see here (a site device that has sent no reading yet is not known here).',
  },
  'sites.list': {
    input: z.object({}).strict(),
    output: z.array(siteSchema),
    permission: 'devices:admin',
    description: 'On an organisation hub: the sites allowed to sync readings into this organisation.',
  },
  'sites.create': {
    input: z.object({ siteId: siteIdSchema }).strict(),
    output: z.object({ site: siteSchema, token: z.string() }),
    permission: 'devices:admin',
    kind: 'write',
    description: 'Allows a site to sync into this organisation; its token (the site’s sync password) is in this answer only.',
  },
  'sites.revoke': {
    input: z.object({ siteId: siteIdSchema }).strict(),
    output: z.object({ ok: z.literal(true) }),
    permission: 'devices:admin',
    kind: 'write',
    description: 'The site can no longer sync here; its live connection closes at once.',
  },
} as const;
