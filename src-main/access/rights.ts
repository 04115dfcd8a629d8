import { hubAdmin, rolePermissions, roleSeesAllDevices, scopes, type Permission, type Role, type Scope } from '../../src-shared/permissions';
import type { Db } from '../store/database';
import { allDevices, deviceIdSet, type DeviceSet } from './device-set';
import type { Principal } from './principal';
import { deviceIdsVisibleToMember } from './queries/group-devices';

/**
 * What a principal holds inside its organisation: the permissions it may use
 * and the devices it may reach. Every authorization question (may it call
 * this method, reach this device, create this credential) is answered from this.
 */
export interface Rights {
  permissions: ReadonlySet<Permission>;
  devices: DeviceSet;
  /** May writes by this principal create a device on first use? */
  canCreateDevices: boolean;
}

/** Device credentials read and write their own devices' readings; nothing else. */
const devicePermissions: ReadonlySet<Permission> = new Set<Permission>(['devices:read', 'readings:read', 'readings:write']);

export function roleRights(db: Db, role: Role, userId: number | null, orgId: number): Rights {
  return {
    permissions: new Set<Permission>(rolePermissions[role]),
    devices: roleSeesAllDevices(role) || userId === null ? allDevices : deviceIdSet(deviceIdsVisibleToMember(db, userId, orgId)),
    canCreateDevices: false,
  };
}

export const ownerRights: Rights = { permissions: new Set<Permission>([...scopes, hubAdmin]), devices: allDevices, canCreateDevices: true };

/** The permissions a principal may use (no device set: that may need the database). */
export function permissionsOf(p: Principal): ReadonlySet<Permission> {
  switch (p.kind) {
    case 'user': {
      const own = rolePermissions[p.role];
      return new Set<Permission>(p.hubAdmin ? [...own, hubAdmin] : own);
    }
    case 'app':
    case 'apiKey':
      return new Set<Permission>(p.scopes);
    case 'cli':
      return ownerRights.permissions;
    case 'device':
    case 'ingest':
    case 'internal':
      return devicePermissions;
  }
}

/** The devices of its organisation a principal may reach. */
export function deviceSetOf(db: Db, p: Principal): DeviceSet {
  switch (p.kind) {
    case 'user':
      return roleSeesAllDevices(p.role) ? allDevices : deviceIdSet(deviceIdsVisibleToMember(db, p.userId, p.orgId));
    case 'app':
    case 'apiKey':
      return deviceIdSet(p.deviceIds);
    case 'cli':
    case 'internal':
      return allDevices;
    case 'device':
      return { kind: 'one', id: p.deviceId, label: p.label };
    case 'ingest':
      return p.deviceLabels === null ? allDevices : { kind: 'labels', labels: new Set(p.deviceLabels) };
  }
}

export function rightsOf(db: Db, p: Principal): Rights {
  const canCreateDevices = p.kind === 'cli' || ((p.kind === 'ingest' || p.kind === 'internal') && p.canCreateDevices);
  return { permissions: permissionsOf(p), devices: deviceSetOf(db, p), canCreateDevices };
}

/** Scopes in `wanted` that `rights` does not hold. */
export function scopesBeyond(rights: Rights, wanted: readonly string[]): string[] {
  return wanted.filter((s) => !rights.permissions.has(s as Scope));
}

/** Is every device of `wanted` (null: all) within `rights`? */
export function devicesWithin(rights: Rights, wanted: readonly number[] | null): boolean {
  if (rights.devices.kind === 'all') return true;
  if (wanted === null) return false;
  const held = rights.devices;
  return wanted.every((id) => (held.kind === 'ids' ? held.ids.has(id) : held.kind === 'one' && held.id === id));
}
