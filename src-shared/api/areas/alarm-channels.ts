import { z } from 'zod';
import { emailSchema, idSchema, nameSchema, ok } from './common';

/** A webhook target: https only (the body carries alarm data and the signature proves who sent it). */
const webhookUrl = z
  .url()
  .max(2000)
  .refine((u) => u.startsWith('https://'), 'a webhook URL must start with https://');

/**
 * How the hub talks to an SMTP server: `tls` connects with TLS at once (port
 * 465), `starttls` upgrades a plain connection and refuses to go on without
 * it (port 587). There is no plain-text mode: the password and the alarm
 * data never cross the network in clear.
 */
export const smtpSecurities = ['tls', 'starttls'] as const;
export type SmtpSecurity = (typeof smtpSecurities)[number];

/** An SMTP host name or address as written (compared with the allowlist, never resolved there). */
const smtpHost = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'an SMTP host is a name or an address, without scheme or port');

/** The part of an email channel that is not secret (kept as JSON in the channel's row). */
export const emailChannelConfigSchema = z.object({
  host: smtpHost,
  port: z.number().int().min(1).max(65535),
  security: z.enum(smtpSecurities),
  /** Empty: the server takes mail without logging in. */
  username: z.string().max(200).nullable(),
  from: emailSchema,
  to: z.array(emailSchema).min(1).max(20),
});
export type EmailChannelConfig = z.infer<typeof emailChannelConfigSchema>;

const channelBase = z.object({ id: idSchema, name: z.string(), createdAt: z.number() });
const webhookChannelSchema = channelBase.extend({ kind: z.literal('webhook'), url: z.string() });
const emailChannelSchema = channelBase.extend({ kind: z.literal('email'), email: emailChannelConfigSchema.extend({ hasPassword: z.boolean() }) });
export const alarmChannelSchema = z.discriminatedUnion('kind', [webhookChannelSchema, emailChannelSchema]);
export type AlarmChannel = z.infer<typeof alarmChannelSchema>;

export const createChannelInput = z.discriminatedUnion('kind', [
  z.object({ name: nameSchema, kind: z.literal('webhook'), url: webhookUrl }).strict(),
  z
    .object({
      name: nameSchema,
      kind: z.literal('email'),
      host: smtpHost,
      port: z.number().int().min(1).max(65535),
      security: z.enum(smtpSecurities),
      username: z.string().trim().min(1).max(200).optional(),
      /** Sealed with the hub's key in the row (docs/ALARMS.md); never shown again, never logged or audited. */
      password: z.string().min(1).max(1000).optional(),
      from: emailSchema,
      to: z.array(emailSchema).min(1).max(20),
    })
    .strict()
    .refine((c) => (c.username === undefined) === (c.password === undefined), 'give both a username and a password, or neither'),
]);
export type CreateChannelInput = z.infer<typeof createChannelInput>;

export const deliveryEvents = ['raised', 'escalated', 'acknowledged', 'cleared', 'reminder'] as const;
export type DeliveryEvent = (typeof deliveryEvents)[number];

export const deliveryStatuses = ['pending', 'sent', 'failed', 'skipped'] as const;

export const alarmDeliverySchema = z.object({
  id: idSchema,
  alarmId: idSchema,
  channelId: idSchema,
  channelName: z.string(),
  event: z.enum(deliveryEvents),
  /** `skipped`: held by quiet hours, and by their end the alarm was acknowledged or cleared (lastError says which). */
  status: z.enum(deliveryStatuses),
  attempts: z.number().int(),
  nextAt: z.number(),
  lastError: z.string().nullable(),
  createdAt: z.number(),
  sentAt: z.number().nullable(),
  /** When the rule's quiet hours ended (or end), for a delivery queued inside them. */
  heldUntil: z.number().nullable(),
});
export type AlarmDelivery = z.infer<typeof alarmDeliverySchema>;

export const alarmChannelsMethods = {
  'alarmChannels.list': {
    input: z.object({}).strict(),
    output: z.array(alarmChannelSchema),
    permission: 'alarms:admin',
    description: 'The organisation’s notification channels (docs/ALARMS.md). Secrets are never shown again.',
  },
  'alarmChannels.create': {
    input: createChannelInput,
    output: z.discriminatedUnion('kind', [webhookChannelSchema.extend({ secret: z.string() }), emailChannelSchema]),
    permission: 'alarms:admin',
    kind: 'write',
    description:
      'Creates a webhook or email (SMTP) channel. The webhook’s or SMTP server’s host must be on the hub’s outbound allowlist (security policy `webhookHosts`). A webhook’s signing secret is in this answer only: store it now. An SMTP password is sealed and never shown again.',
  },
  'alarmChannels.remove': {
    input: z.object({ channelId: idSchema }).strict(),
    output: ok,
    permission: 'alarms:admin',
    kind: 'write',
    description: 'Removes a channel and its deliveries; rules naming it stop notifying it.',
  },
  'alarmDeliveries.list': {
    input: z.object({ status: z.enum(deliveryStatuses).optional(), alarmId: idSchema.optional(), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    output: z.array(alarmDeliverySchema),
    permission: 'alarms:admin',
    description: 'Notification deliveries of the organisation, newest first: pending, sent or failed, with attempts and the last error.',
  },
} as const;
