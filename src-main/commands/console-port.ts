import type { CommandService as ConsoleCommandPort } from './command-port';
import { subjectOf } from '../access/principal';
import { ServiceError } from '../errors';
import type { Db } from '../store/database';
import { findDeviceById } from '../devices/queries/devices';
import type { CommandService } from './service';

/** The console waits this long for "delivered"/"answered" before reporting the status it has. */
const consoleWaitMs = 3_000;

/**
 * The console's view of the command service: the console names devices by id
 * and callers by principal; the service by label and by who asked.
 */
export function consoleCommandPort(service: CommandService, db: Db): ConsoleCommandPort {
  return {
    async send(input, principal) {
      const device = findDeviceById(db, input.deviceId);
      if (!device || device.orgId !== principal.orgId) throw new ServiceError('DEVICE_NOT_FOUND', `There is no device ${input.deviceId}.`, 404);
      const request = 'rpc' in input ? { device: device.label, method: input.rpc.method, params: input.rpc.params } : { device: device.label, variable: input.variable, value: input.value };
      const command = await service.send(request, { orgId: device.orgId, requestedBy: subjectOf(principal), waitMs: consoleWaitMs });
      return { id: command.id, status: command.status, ...(command.response === null || command.response === undefined ? {} : { response: command.response }) };
    },
  };
}
