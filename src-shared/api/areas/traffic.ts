import { z } from 'zod';
import { idSchema } from './common';

export const refusalSchema = z.object({
  id: idSchema,
  at: z.number(),
  deviceId: idSchema.nullable(),
  deviceLabel: z.string(),
  protocol: z.string(),
  reason: z.string(),
  /** Topic or path (tokens in paths replaced by `[token]`). */
  target: z.string(),
  /** The start of the payload, cut short; tokens scrubbed. */
  excerpt: z.string(),
  message: z.string(),
  address: z.string(),
  count: z.number().int(),
});
export type Refusal = z.infer<typeof refusalSchema>;

export const badTokenAddressSchema = z.object({
  address: z.string(),
  attempts: z.number().int(),
  firstAt: z.number(),
  lastAt: z.number(),
  protocols: z.array(z.string()),
});
export type BadTokenAddress = z.infer<typeof badTokenAddressSchema>;

const limit = z.number().int().min(1).max(500).default(50);

/** "Why is my data not arriving": the recent refusals the hub keeps (bounded, across restarts). */
export const trafficMethods = {
  'devices.problems': {
    input: z.object({ deviceId: idSchema, limit }).strict(),
    output: z.array(refusalSchema),
    permission: 'devices:read',
    devices: 'one',
    description: 'The most recent refusals of one device: time, protocol, reason, topic or path, payload excerpt, address.',
  },
  'traffic.badTokens': {
    input: z.object({ limit }).strict(),
    output: z.array(badTokenAddressSchema),
    permission: 'hub:admin',
    description: 'Bad-token attempts among the kept refusals, grouped by remote address (they name no organisation, so the hub owner only): attempts, first and last time, protocols.',
  },
  'traffic.refusals': {
    input: z.object({ protocol: z.enum(['mqtt', 'https', 'tcp']).optional(), deviceId: idSchema.optional(), limit }).strict(),
    output: z.array(refusalSchema),
    permission: 'devices:read',
    description: 'Recent refusals of the organisation, newest first, filterable by protocol and device: those of devices the caller may see; refusals naming no device to whoever sees every device; bad-token attempts (no organisation) to the hub owner.',
  },
} as const;
