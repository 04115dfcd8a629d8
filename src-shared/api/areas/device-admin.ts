import { z } from 'zod';
import { empty, idSchema, nameSchema, ok } from './common';
import { labelSchema } from '../../reading';

const deviceRef = z.object({ id: idSchema, label: z.string(), name: z.string() });
const lastValue = z.object({ label: z.string(), value: z.number(), ts: z.number() });
const tokenName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/, 'use 1-64 letters, digits, spaces, "-", "_" or "."');

export const ingestTokenSchema = z.object({
  id: idSchema,
  name: z.string(),
  hint: z.string(),
  deviceLabels: z.array(z.string()).nullable(),
  canCreateDevices: z.boolean(),
  createdAt: z.number(),
  revoked: z.boolean(),
});

/** Device life cycle (the console and `outpost device|token`) and the dashboard's snapshot. */
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
  'devices.update': {
    input: z.object({ deviceId: idSchema, name: nameSchema.optional(), type: z.string().trim().max(64).nullable().optional() }).strict(),
    output: deviceRef.extend({ type: z.string().nullable() }),
    permission: 'devices:admin',
    devices: 'one',
    kind: 'write',
    description: 'Renames a device or sets its type (null or "" clears it). The label, which devices send, does not change.',
  },
  'devices.tokens': {
    input: z.object({ deviceId: idSchema }).strict(),
    output: z.array(z.object({ id: idSchema, hint: z.string(), createdAt: z.number(), revoked: z.boolean() })),
    permission: 'devices:admin',
    devices: 'one',
    description: 'The tokens of a device: hints and state, never the tokens.',
  },
  'devices.rotateToken': {
    input: z.object({ deviceId: idSchema }).strict(),
    output: z.object({ device: deviceRef, token: z.string() }),
    permission: 'devices:admin',
    devices: 'one',
    kind: 'write',
    description: 'Revokes every token of a device and issues a new one; the token is in this answer only. Its live connections close at once.',
  },
  'devices.revokeTokens': {
    input: z.object({ deviceId: idSchema }).strict(),
    output: z.object({ revoked: z.number().int() }),
    permission: 'devices:admin',
    devices: 'one',
    kind: 'write',
    description: 'Revokes every token of a device: it can no longer send until a new token is issued. Its live connections close at once.',
  },
  'devices.remove': {
    input: z.object({ deviceId: idSchema }).strict(),
    output: ok,
    permission: 'devices:admin',
    devices: 'one',
    kind: 'write',
    description: 'Deletes a device with all its readings and tokens; its live connections close at once.',
  },
  'ingestTokens.list': { input: empty, output: z.array(ingestTokenSchema), permission: 'devices:admin', description: 'Organisation ingest tokens (one token writing for several devices).' },
  'ingestTokens.create': {
    input: z.object({ name: tokenName, deviceLabels: z.array(labelSchema).min(1).nullable().default(null), canCreateDevices: z.boolean().default(false) }).strict(),
    output: z.object({ ingestToken: ingestTokenSchema, token: z.string() }),
    permission: 'devices:admin',
    kind: 'write',
    description: 'Creates an ingest token for some devices (or all: deviceLabels null), optionally allowed to create devices on first write; the token is in this answer only.',
  },
  'ingestTokens.revoke': {
    input: z.object({ name: tokenName }).strict(),
    output: ok,
    permission: 'devices:admin',
    kind: 'write',
    description: 'Revokes an ingest token at once (its live connections close).',
  },
} as const;
