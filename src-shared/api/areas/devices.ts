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
    input: z.object({ deviceId: idSchema, count: z.number().int().min(1).max(1000).default(50) }).strict(),
    output: z.array(readingSchema),
    permission: 'readings:read',
    devices: 'one',
    description: 'The last `count` readings of a device, newest first (also GET /api/devices/{id}/events?count=n).',
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
    recordedByRegistry: true,
    description: 'Sets the unit shown with a variable’s values and on its charts (`°C`, `bar`); null clears it.',
  },
  'commands.send': {
    input: z.union([
      z.object({ deviceId: idSchema, variable: variableLabel, value: z.number() }).strict(),
      z.object({ deviceId: idSchema, rpc: z.object({ method: z.string().min(1).max(100), params: z.unknown() }).strict() }).strict(),
    ]),
    output: z.object({ id: z.string(), status: z.enum(['pending', 'delivered', 'answered', 'expired']), response: z.unknown().optional() }),
    permission: 'commands:send',
    devices: 'one',
    kind: 'write',
    description: 'Sends a value or an RPC to a device.',
  },
} as const;
