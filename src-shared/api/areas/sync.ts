import { z } from 'zod';
import { labelSchema } from '../../reading';
import { siteIdSchema } from '../../sync-format';

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

export const syncConfigureInputSchema = syncSettingsSchema
  .partial()
  .extend({ password: z.string().min(1).max(4096).optional() })
  .strict();
export type SyncConfigureInput = z.infer<typeof syncConfigureInputSchema>;

export const syncErrorSchema = z.object({ code: z.string(), message: z.string(), hint: z.string(), at: z.number().int() });

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
  /** When the hub last wrote this status; the CLI reads it from another process. */
  updatedAt: z.number().int().nullable(),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

export const siteSchema = z.object({ siteId: z.string(), hint: z.string(), createdAt: z.number(), revoked: z.boolean() });

export const syncPublicSettingsSchema = syncSettingsSchema.extend({ hasPassword: z.boolean() });

export const syncMethods = {
  'sync.status': {
    input: z.object({}).strict(),
    output: syncStatusSchema,
    permission: 'hub:admin',
    description: 'Upstream sync state: connected or offline, backlog, oldest unsent reading, last success and last error.',
  },
  'sync.configure': {
    input: syncConfigureInputSchema,
    output: syncPublicSettingsSchema,
    permission: 'hub:admin',
    kind: 'write',
    description: 'Changes the upstream sync settings (the hub owner only); the password goes to the OS keychain, never to the database.',
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
