import { z } from 'zod';
import { empty, idSchema } from './common';
import { labelSchema } from '../../reading';

const deviceSchema = z.object({
  id: idSchema,
  label: z.string(),
  name: z.string(),
  type: z.string().nullable(),
  createdAt: z.number(),
  lastSeenAt: z.number().nullable(),
});
const variableLabel = labelSchema;
const week = 7 * 24 * 3_600_000;
/** How long to wait for the outcome, and when to give up delivering. */
const commandTiming = { waitMs: z.number().int().min(0).max(60_000).optional(), expiresInMs: z.number().int().min(1).max(week).optional() };
const readingSchema = z.object({ variable: z.string(), ts: z.number(), value: z.number(), context: z.unknown().nullable() });

export const devicesMethods = {
  'devices.list': { input: empty, output: z.array(deviceSchema), permission: 'devices:read', devices: 'list', description: 'Devices the caller may see.' },
  'devices.get': {
    input: z.object({ deviceId: idSchema }).strict(),
    output: deviceSchema.extend({ variables: z.array(z.object({ id: idSchema, label: z.string(), unit: z.string().nullable() })) }),
    permission: 'devices:read',
    devices: 'one',
    description: 'One device and its variables.',
  },
  'devices.events': {
    input: z.object({ deviceId: idSchema, count: z.number().int().min(1).max(1_000_000).default(50), variable: variableLabel.optional() }).strict(),
    output: z.array(readingSchema),
    permission: 'readings:read',
    devices: 'one',
    description: 'The last `count` readings of a device (of one variable if named), newest first (also GET /api/devices/{id}/events?count=n).',
  },
  'readings.range': {
    input: z
      .object({ deviceId: idSchema, variable: variableLabel, from: z.number(), to: z.number(), limit: z.number().int().min(1).max(100_000).default(10_000) })
      .strict()
      .refine((r) => r.from <= r.to, { message: '`from` must not be after `to`' }),
    output: z.array(readingSchema),
    permission: 'readings:read',
    devices: 'one',
    description: 'Readings of one variable between two times (ms since the epoch), oldest first.',
  },
  'variables.setUnit': {
    input: z.object({ deviceId: idSchema, variable: variableLabel, unit: z.string().trim().max(20).nullable() }).strict(),
    output: z.object({ ok: z.literal(true) }),
    permission: 'devices:admin',
    devices: 'one',
    kind: 'write',
    description: 'Sets the unit shown with a variable’s values and on its charts (`°C`, `bar`); null clears it.',
  },
  'commands.send': {
    input: z.union([
      z.object({ deviceId: idSchema, variable: variableLabel, value: z.number().finite(), ...commandTiming }).strict(),
      z.object({ deviceId: idSchema, rpc: z.object({ method: z.string().min(1).max(100), params: z.unknown() }).strict(), ...commandTiming }).strict(),
    ]),
    output: z.object({
      id: z.string(),
      kind: z.enum(['control', 'rpc']),
      status: z.enum(['pending', 'delivered', 'answered', 'expired']),
      /** Delivered (a value) or answered (an RPC) or expired: nothing more will happen. */
      final: z.boolean(),
      expiresAt: z.number(),
      response: z.unknown().optional(),
    }),
    permission: 'commands:send',
    devices: 'one',
    kind: 'write',
    description: 'Sends a value or an RPC to a device; waits up to waitMs (default 3 s) for it to be delivered or answered.',
  },
  'commands.list': {
    input: z.object({ deviceId: idSchema, count: z.number().int().min(1).max(200).default(20) }).strict(),
    output: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(['control', 'rpc']),
        /** The control value's variable, or null for an RPC. */
        variable: z.string().nullable(),
        value: z.number().nullable(),
        method: z.string().nullable(),
        params: z.unknown(),
        status: z.enum(['pending', 'delivered', 'answered', 'expired']),
        requestedBy: z.string(),
        createdAt: z.number(),
        expiresAt: z.number(),
        deliveredAt: z.number().nullable(),
        answeredAt: z.number().nullable(),
        response: z.unknown(),
      }),
    ),
    permission: 'devices:read',
    devices: 'one',
    description: 'A device’s most recent commands, newest first, with their states (pending, delivered, answered, expired) and times.',
  },
} as const;
