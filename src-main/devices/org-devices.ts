import type { Db } from '../store/database';
import { findDeviceById, findDeviceByLabel, listDevices } from './queries/devices';

/** The device lookups authorization needs, on the ingest work's device queries. */
export function deviceIdsOfOrg(db: Db, orgId: number): number[] {
  return listDevices(db, orgId).map((d) => d.id);
}

export function deviceIdsByLabel(db: Db, orgId: number, labels: readonly string[]): Map<string, number> {
  const found = new Map<string, number>();
  for (const label of labels) {
    const device = findDeviceByLabel(db, orgId, label);
    if (device) found.set(label, device.id);
  }
  return found;
}

export function orgOfDevice(db: Db, deviceId: number): number | undefined {
  return findDeviceById(db, deviceId)?.orgId;
}
