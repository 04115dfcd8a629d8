/**
 * The permission model, shared by the hub (enforcement) and the console (what
 * to show). A permission is also the name of the app-token scope that grants
 * it, so roles and scopes are checked against the same vocabulary.
 */
export const roles = ['owner', 'admin', 'writer', 'reader'] as const;
export type Role = (typeof roles)[number];

export const scopes = [
  'devices:read',
  'devices:admin',
  'readings:read',
  'readings:write',
  'commands:send',
  'users:admin',
  'apps:admin',
  'audit:read',
  'accounting:read',
  'settings:admin',
  'orgs:admin',
  'sync:read',
  /** Create, arrange and delete the organisation's dashboards (reading them needs devices:read). */
  'dashboards:write',
] as const;
export type Scope = (typeof scopes)[number];

/** `public` needs no credential; `authenticated` needs any valid one. */
export type Permission = 'public' | 'authenticated' | Scope;

const reader: readonly Scope[] = ['devices:read', 'readings:read'];
const writer: readonly Scope[] = [...reader, 'readings:write', 'commands:send', 'dashboards:write'];
const admin: readonly Scope[] = [...writer, 'devices:admin', 'users:admin', 'apps:admin', 'audit:read', 'accounting:read', 'settings:admin', 'sync:read'];

export const rolePermissions: Readonly<Record<Role, readonly Scope[]>> = {
  reader,
  writer,
  admin,
  // Only owners create organisations and make other owners.
  owner: [...admin, 'orgs:admin'],
};

/** Admins and owners see every device of their organisation; others only their groups'. */
export function roleSeesAllDevices(role: Role): boolean {
  return role === 'owner' || role === 'admin';
}

export function roleGrants(role: Role, permission: Permission): boolean {
  if (permission === 'public' || permission === 'authenticated') return true;
  return rolePermissions[role].includes(permission);
}

export function scopesGrant(granted: readonly string[], permission: Permission): boolean {
  if (permission === 'public' || permission === 'authenticated') return true;
  return granted.includes(permission);
}

export function isPermission(value: unknown): value is Permission {
  return value === 'public' || value === 'authenticated' || (scopes as readonly unknown[]).includes(value);
}

/** A role may hand out only roles that are not above its own. */
export function roleRank(role: Role): number {
  return roles.length - roles.indexOf(role);
}

/**
 * Which device a method acts on: `none`, `one` (input.deviceId must be one the
 * caller may see, checked before the handler runs) or `list` (the handler
 * returns only devices the caller may see).
 */
export type DeviceTarget = 'none' | 'one' | 'list';
