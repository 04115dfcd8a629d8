import type { ApiContract } from '../../src-shared/api/contract';
import type { HandlerRegistry } from '../console/registry';
import type { Db } from '../store/database';
import { ServiceError } from '../errors';
import { callerOf } from '../access/caller';
import { canSeeDevice } from '../access/authorize';
import { findDeviceById } from '../devices/queries/devices';
import { setVariableUnit } from '../devices/queries/variables';
import { requireVariables } from './variables';
import { readSeries } from './series';
import { readPositions } from './positions';
import { exportReadings } from './export';
import { readingsPerMinute } from './activity';

/**
 * History reads. The registry has checked the permission and, for the
 * single-device methods, that the caller may see the device.
 */
export function registerHistoryHandlers(registry: HandlerRegistry<ApiContract>, db: Db, now: () => number = Date.now): void {
  registry.register('readings.series', (input) => ({ deviceId: input.deviceId, from: input.from, to: input.to, series: readSeries(db, input) }));
  registry.register('readings.positions', (input) => readPositions(db, input.deviceId, input.variable, input.from, input.to, input.maxPoints));
  registry.register('readings.export', (input) => exportReadings(db, findDeviceById(db, input.deviceId)!, input));
  registry.register('variables.setUnit', (input) => {
    const [variable] = requireVariables(db, input.deviceId, [input.variable]);
    setVariableUnit(db, variable!.id, input.unit === '' ? null : input.unit);
    return { ok: true as const };
  });
  registry.register('devices.activity', (input, call) => {
    const { principal } = callerOf(call);
    const at = now();
    return input.deviceIds.map((id) => {
      const device = canSeeDevice(db, principal, id) ? findDeviceById(db, id) : null;
      // The same answer for "no such device" and "not yours": nothing is revealed about devices the caller may not see.
      if (!device) throw new ServiceError('DEVICE_NOT_FOUND', `There is no device ${id} you may see. List devices to see which you can reach.`, 404);
      return { deviceId: id, label: device.label, name: device.name, lastSeenAt: device.lastSeenAt, readingsPerMinute: readingsPerMinute(db, id, at) };
    });
  });
}
