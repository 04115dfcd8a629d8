import { roleGrants, roleSeesAllDevices, scopesGrant, type Permission } from '../../src-shared/permissions';
import type { Db } from '../store/database';
import { apiKeyScopes } from './api-keys';
import type { Principal } from './principal';
import { deviceIdsVisibleToMember } from './queries/group-devices';
import { deviceIdsOfOrg, orgOfDevice } from '../devices/org-devices';

export function allows(principal: Principal | null, permission: Permission, callers: 'any' | 'users' = 'any'): boolean {
  if (permission === 'public') return true;
  if (!principal) return false;
  if (callers === 'users' && principal.kind !== 'user') return false;
  if (principal.kind === 'user') return roleGrants(principal.role, permission);
  if (principal.kind === 'app') return scopesGrant(principal.scopes, permission);
  return scopesGrant(apiKeyScopes, permission);
}

/** The device ids a principal may see, always within its own organisation. */
export function visibleDeviceIds(db: Db, principal: Principal): number[] {
  if (principal.kind === 'user' && !roleSeesAllDevices(principal.role)) return deviceIdsVisibleToMember(db, principal.userId, principal.orgId);
  const all = deviceIdsOfOrg(db, principal.orgId);
  if (principal.kind === 'app' && principal.deviceIds !== null) {
    const allowed = new Set(principal.deviceIds);
    return all.filter((id) => allowed.has(id));
  }
  return all;
}

export function canSeeDevice(db: Db, principal: Principal, deviceId: number): boolean {
  if (orgOfDevice(db, deviceId) !== principal.orgId) return false;
  return visibleDeviceIds(db, principal).includes(deviceId);
}
