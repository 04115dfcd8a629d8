/**
 * The permission model, shared by the hub (enforcement) and the console (what
 * to show). A permission is also the name of the app-token scope that grants
 * it, so roles and scopes are checked against the same vocabulary.
 */
export const roles = ['owner', 'admin', 'writer', 'reader'] as const;
export type Role = (typeof roles)[number];

/** What an organisation role, an app token or an API key may be granted. */
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
  /** Create, arrange and delete the organisation's dashboards (reading them needs devices:read). */
  'dashboards:write',
  /** Acknowledge, clear and snooze alarms of the devices one may see (writers and above). */
  'alarms:ack',
  /** Create, change and remove the organisation's alarm rules (admins). */
  'alarms:admin',
] as const;
export type Scope = (typeof scopes)[number];

/**
 * Hub-wide things (listeners, TLS, the sync upstream, the security policy,
 * organisations) belong to the hub's owner: a person granted `hub:admin`
 * explicitly, never an organisation role, an app or an API key.
 */
export const hubAdmin = 'hub:admin' as const;

/** `public` needs no credential; `authenticated` needs any valid one. */
export type Permission = 'public' | 'authenticated' | Scope | typeof hubAdmin;

const reader: readonly Scope[] = ['devices:read', 'readings:read'];
const writer: readonly Scope[] = [...reader, 'readings:write', 'commands:send', 'dashboards:write', 'alarms:ack'];
const admin: readonly Scope[] = [...writer, 'devices:admin', 'users:admin', 'apps:admin', 'audit:read', 'accounting:read', 'settings:admin', 'alarms:admin'];

export const rolePermissions: Readonly<Record<Role, readonly Scope[]>> = {
  reader,
  writer,
  admin,
  // Owners differ from admins in whom they may manage (other owners), not in scopes.
  owner: admin,
};

/** Admins and owners see every device of their organisation; others only their groups'. */
export function roleSeesAllDevices(role: Role): boolean {
  return role === 'owner' || role === 'admin';
}

export function roleGrants(role: Role, permission: Permission): boolean {
  if (permission === 'public' || permission === 'authenticated') return true;
  return (rolePermissions[role] as readonly string[]).includes(permission);
}

export function scopesGrant(granted: readonly string[], permission: Permission): boolean {
  if (permission === 'public' || permission === 'authenticated') return true;
  if (permission === hubAdmin) return false;
  return granted.includes(permission);
}

export function isScope(value: unknown): value is Scope {
  return (scopes as readonly unknown[]).includes(value);
}

export function isPermission(value: unknown): value is Permission {
  return value === 'public' || value === 'authenticated' || value === hubAdmin || isScope(value);
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
