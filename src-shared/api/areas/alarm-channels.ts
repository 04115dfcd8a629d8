import { z } from 'zod';
import { idSchema, nameSchema, ok } from './common';

/** A webhook target: https only (the body carries alarm data and the signature proves who sent it). */
const webhookUrl = z
  .url()
  .max(2000)
  .refine((u) => u.startsWith('https://'), 'a webhook URL must start with https://');

export const alarmChannelSchema = z.object({
  id: idSchema,
  name: z.string(),
  kind: z.literal('webhook'),
  url: z.string(),
  createdAt: z.number(),
});
export type AlarmChannel = z.infer<typeof alarmChannelSchema>;

export const deliveryEvents = ['raised', 'escalated', 'acknowledged', 'cleared', 'reminder'] as const;
export type DeliveryEvent = (typeof deliveryEvents)[number];

export const alarmDeliverySchema = z.object({
  id: idSchema,
  alarmId: idSchema,
  channelId: idSchema,
  channelName: z.string(),
  event: z.enum(deliveryEvents),
  status: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int(),
  nextAt: z.number(),
  lastError: z.string().nullable(),
  createdAt: z.number(),
  sentAt: z.number().nullable(),
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
    input: z.object({ name: nameSchema, kind: z.literal('webhook'), url: webhookUrl }).strict(),
    output: alarmChannelSchema.extend({ secret: z.string() }),
    permission: 'alarms:admin',
    kind: 'write',
    description:
      'Creates a webhook channel. Its host must be on the hub’s webhook allowlist (security policy `webhookHosts`). The signing secret is in this answer only: store it now.',
  },
  'alarmChannels.remove': {
    input: z.object({ channelId: idSchema }).strict(),
    output: ok,
    permission: 'alarms:admin',
    kind: 'write',
    description: 'Removes a channel and its deliveries; rules naming it stop notifying it.',
  },
  'alarmDeliveries.list': {
    input: z.object({ status: z.enum(['pending', 'sent', 'failed']).optional(), alarmId: idSchema.optional(), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    output: z.array(alarmDeliverySchema),
    permission: 'alarms:admin',
    description: 'Notification deliveries of the organisation, newest first: pending, sent or failed, with attempts and the last error.',
  },
} as const;
