import type { Permission } from '../../src-shared/permissions';
import { listDevices, type Device } from '../devices/queries/devices';
import type { Db } from '../store/database';
import { deviceSetHas, filterDevices } from './device-set';
import type { Principal } from './principal';
import { deviceSetOf, permissionsOf } from './rights';

/** What device access is asked about: the device's organisation and its id, its label, or both. */
export interface DeviceRef {
  orgId: number;
  id?: number | undefined;
  label?: string | undefined;
}

/**
 * THE device access check. The broker (publish, subscribe, commands), the
 * HTTPS and TCP listeners, the pipeline, the console registry and the live
 * channel all ask here: may this principal use this device for this
 * permission (`readings:write` to store readings, `readings:read` to read
 * them, `commands:send`, `devices:admin`)? Another organisation's device is
 * never reachable.
 */
export function mayUseDevice(db: Db, principal: Principal, device: DeviceRef, permission: Permission): boolean {
  if (device.orgId !== principal.orgId) return false;
  if (!permissionsOf(principal).has(permission)) return false;
  return deviceSetHas(deviceSetOf(db, principal), device);
}

/** The devices of the principal's organisation it may see, by label. */
export function visibleDevices(db: Db, principal: Principal): Device[] {
  return filterDevices(deviceSetOf(db, principal), listDevices(db, principal.orgId));
}

export function visibleDeviceIds(db: Db, principal: Principal): number[] {
  return visibleDevices(db, principal).map((d) => d.id);
}

/** The ids of every device mayUseDevice allows for this permission, at once (one device-set read for many devices). */
export function usableDeviceIds(db: Db, principal: Principal, permission: Permission): Set<number> {
  return permissionsOf(principal).has(permission) ? new Set(visibleDeviceIds(db, principal)) : new Set();
}
