import { z } from 'zod';
import { empty, idSchema, nameSchema } from './common';
import { labelSchema } from '../../reading';

const deviceRef = z.object({ id: idSchema, label: z.string(), name: z.string() });
const lastValue = z.object({ label: z.string(), value: z.number(), ts: z.number() });

/** Device life cycle from the console (the CLI's `outpost device add|rotate|revoke`) and the dashboard's snapshot. */
export const deviceAdminMethods = {
  'devices.latest': {
    input: empty,
    output: z.array(z.object({ deviceId: idSchema, variables: z.array(lastValue) })),
    permission: 'readings:read',
    devices: 'list',
    description: 'The last value and time of every variable of every device the caller may see (the dashboard snapshot).',
  },
  'devices.create': {
    input: z.object({ label: labelSchema, name: nameSchema.optional(), type: z.string().trim().min(1).max(64).optional() }).strict(),
    output: z.object({ device: deviceRef, token: z.string() }),
    permission: 'devices:admin',
    kind: 'write',
    description: 'Creates a device and its first token; the token is in this answer only.',
  },
  'devices.rotateToken': {
    input: z.object({ deviceId: idSchema }).strict(),
    output: z.object({ device: deviceRef, token: z.string() }),
    permission: 'devices:admin',
    devices: 'one',
    kind: 'write',
    description: 'Revokes every token of a device and issues a new one; the token is in this answer only.',
  },
  'devices.revokeTokens': {
    input: z.object({ deviceId: idSchema }).strict(),
    output: z.object({ revoked: z.number().int() }),
    permission: 'devices:admin',
    devices: 'one',
    kind: 'write',
    description: 'Revokes every token of a device: it can no longer send until a new token is issued.',
  },
} as const;
