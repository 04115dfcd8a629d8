import { z } from 'zod';
import { idSchema } from './common';

const seconds = z.number().int().min(10).max(30 * 24 * 3600);

export const thresholdsSchema = z
  .object({ staleAfterS: seconds, offlineAfterS: seconds })
  .strict()
  .refine((t) => t.offlineAfterS >= t.staleAfterS, { message: 'offline must come at or after stale', path: ['offlineAfterS'] });

const hourSchema = z.object({ hour: z.number(), messages: z.number().int(), bytes: z.number().int(), refusals: z.number().int() });

export const deviceHealthSchema = z.object({
  id: idSchema,
  label: z.string(),
  name: z.string(),
  state: z.enum(['online', 'stale', 'offline', 'never']),
  /** An MQTT session is open now. */
  connected: z.boolean(),
  lastSeenAt: z.number().nullable(),
  thresholds: z.object({ staleAfterS: z.number().int(), offlineAfterS: z.number().int() }),
  /** False: the hub's defaults apply. */
  customThresholds: z.boolean(),
  /** The last 24 hours, oldest first, one entry per hour (zeros included). */
  hours: z.array(hourSchema),
  totals: z.object({ messages: z.number().int(), bytes: z.number().int(), refusals: z.number().int() }),
  /** Last values of battery, RSSI and signal variables, when the device sends any. */
  vitals: z.array(z.object({ variable: z.string(), value: z.number(), ts: z.number() })),
  /** What needs a look, most serious first; empty when all is well. */
  problems: z.array(z.string()),
});
export type DeviceHealth = z.infer<typeof deviceHealthSchema>;

/** The device health board (issue 11). */
export const healthMethods = {
  'devices.health': {
    input: z.object({}).strict(),
    output: z.array(deviceHealthSchema),
    permission: 'devices:read',
    devices: 'list',
    description: 'Every device the caller may see with its online state (live MQTT session or last reading against its thresholds), the last 24 hours of messages, bytes and refusals, battery/RSSI/signal values, and its problems; problems first.',
  },
  'devices.setThresholds': {
    input: z.object({ deviceId: idSchema, thresholds: thresholdsSchema.nullable() }).strict(),
    output: z.object({ staleAfterS: z.number().int(), offlineAfterS: z.number().int(), customThresholds: z.boolean() }),
    permission: 'devices:admin',
    devices: 'one',
    kind: 'write',
    description: 'Sets after how long without a reading a device is stale, then offline (null: the hub’s defaults, 5 minutes and 1 hour).',
  },
} as const;
