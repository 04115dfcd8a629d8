import type { ApiContract } from '../../src-shared/api/contract';
import { mayUseDevice } from '../access/device-access';
import { notFound } from '../access/errors';
import type { Caller, HandlerRegistry } from '../console/registry';
import type { Db } from '../store/database';
import { ServiceError } from '../errors';
import { findDeviceById, type Device } from '../devices/queries/devices';
import { listVariables, setVariableUnit } from '../devices/queries/variables';
import { requireVariables } from './variables';
import { exportReadings } from './export';
import { readingsPerMinute } from './activity';
import type { HistoryReads } from './reads';

/** As many as `readings.series` takes by name. */
const maxVariablesPerSeries = 20;

/** The device a `devices: 'one'` method names; the registry has already checked the caller may use it. */
function deviceOf(db: Db, caller: Caller, deviceId: number): Device {
  const device = findDeviceById(db, caller.orgId, deviceId);
  if (!device) throw notFound('That device');
  return device;
}

/**
 * History reads. The registry has checked the permission and, for the
 * single-device methods, that the caller may use the device; it also audits
 * exports (kind `export`) and unit changes (a write).
 */
export function registerHistoryHandlers(registry: HandlerRegistry<ApiContract>, db: Db, reads: HistoryReads, now: () => number = Date.now): void {
  registry.register('readings.series', async (input) => {
    const variables = input.variables ?? listVariables(db, input.deviceId).slice(0, maxVariablesPerSeries).map((v) => v.label);
    return { deviceId: input.deviceId, from: input.from, to: input.to, series: variables.length ? await reads.series({ ...input, variables }) : [] };
  });
  registry.register('readings.positions', (input) => reads.positions(input));
  registry.register('readings.export', (input, caller) => exportReadings(db, reads, deviceOf(db, caller, input.deviceId), input));
  registry.register('variables.setUnit', (input, caller) => {
    const [variable] = requireVariables(db, deviceOf(db, caller, input.deviceId).id, [input.variable]);
    setVariableUnit(db, variable!.id, input.unit === '' ? null : input.unit);
    caller.audit.detail({ variable: input.variable, unit: input.unit });
    return { ok: true as const };
  });
  registry.register('devices.activity', (input, caller) => {
    const at = now();
    return input.deviceIds.map((id) => {
      const device = findDeviceById(db, caller.orgId, id);
      // The same answer for "no such device" and "not yours": nothing is revealed about devices the caller may not see.
      if (!device || !mayUseDevice(db, caller.principal, device, 'devices:read')) {
        throw new ServiceError('DEVICE_NOT_FOUND', `There is no device ${id} you may see. List devices to see which you can reach.`, 404);
      }
      return { deviceId: id, label: device.label, name: device.name, lastSeenAt: device.lastSeenAt, readingsPerMinute: readingsPerMinute(db, id, at) };
    });
  });
}
