import { z } from 'zod';
import { labelSchema } from '../../src-shared/reading';
import { ServiceError } from '../errors';
import type { Db } from '../store/database';
import { findDeviceByLabel } from '../devices/queries/devices';
import { insertCommand, type Command } from './queries/commands';

/** What an authorised caller asks for: the CLI and the console API validate with this. */
export const commandRequestSchema = z.union([
  z.object({ device: labelSchema, variable: labelSchema, value: z.number().finite() }),
  z.object({ device: labelSchema, method: z.string().min(1).max(128), params: z.unknown().optional() }),
]);
export type CommandRequest = z.input<typeof commandRequestSchema>;

export const defaultCommandExpiryMs = 60 * 60 * 1000;

/** Validates and records a command as pending; the hub delivers it (this process or another). */
export function recordCommand(db: Db, orgId: number, input: CommandRequest, requestedBy: string, expiresInMs: number, now = Date.now()): Command {
  const parsed = commandRequestSchema.safeParse(input);
  if (!parsed.success) throw new ServiceError('INVALID_COMMAND', `The command is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}.`);
  const req = parsed.data;
  const device = findDeviceByLabel(db, orgId, req.device);
  if (!device) throw new ServiceError('UNKNOWN_DEVICE', `There is no device "${req.device}".`, 404);
  const base = { deviceId: device.id, requestedBy, now, expiresAt: now + expiresInMs };
  return 'variable' in req
    ? insertCommand(db, { kind: 'control', variable: req.variable, value: req.value, ...base })
    : insertCommand(db, { kind: 'rpc', method: req.method, params: req.params ?? null, ...base });
}
