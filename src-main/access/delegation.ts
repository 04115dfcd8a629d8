import { isScope, rolePermissions, type Scope } from '../../src-shared/permissions';
import type { Db } from '../store/database';
import { allDevices, type DeviceSet } from './device-set';
import { AccessError } from './errors';
import type { AppPrincipal, Principal } from './principal';
import { apiKeyById } from './queries/api-keys';
import { appById, type App } from './queries/apps';
import type { Creator } from './queries/creators';
import { membership } from './queries/memberships';
import { userById } from './queries/users';
import { devicesWithin, ownerRights, rightsOf, roleRights, scopesBeyond, type Rights } from './rights';

/**
 * Delegated credentials (apps and API keys) never hold more than whoever made
 * them: checked when they are made, and again at every use against what the
 * maker holds *now*. Revoking, demoting, disabling or removing a maker cuts
 * everything it made at once, through any depth of apps making apps.
 */

/** Chains longer than this are refused rather than followed (a loop cannot form, but the walk stays bounded). */
const maxDepth = 8;

/** Legacy rows were made when every maker was checked as an organisation admin. */
const legacyRights: Rights = { permissions: new Set(rolePermissions.admin), devices: allDevices, canCreateDevices: false };

export interface Delegated {
  orgId: number;
  scopes: readonly Scope[];
  deviceIds: readonly number[] | null;
  creator: Creator;
}

/** What a maker still holds in `orgId`, or null when it holds nothing any more. */
export function creatorRights(db: Db, orgId: number, creator: Creator, now: number, depth = 0): Rights | null {
  if (depth > maxDepth) return null;
  switch (creator.kind) {
    case 'cli':
      return ownerRights;
    case 'legacy':
      return legacyRights;
    case 'user': {
      const user = userById(db, creator.id);
      const member = user && user.disabledAt === null ? membership(db, user.id, orgId) : undefined;
      return member ? roleRights(db, member.role, user!.id, orgId) : null;
    }
    case 'app': {
      const app = appById(db, orgId, creator.id);
      if (!app || app.revokedAt !== null || (app.expiresAt !== null && now >= app.expiresAt)) return null;
      return effectiveRights(db, { ...app, scopes: app.scopes.filter(isScope) }, now, depth + 1);
    }
    case 'apikey': {
      const key = apiKeyById(db, orgId, creator.id);
      if (!key || key.revokedAt !== null) return null;
      return effectiveRights(db, key, now, depth + 1);
    }
  }
}

/** A delegated credential's own grant cut to its maker's current rights; null when the maker holds nothing. */
export function effectiveRights(db: Db, own: Delegated, now: number, depth = 0): Rights | null {
  const maker = creatorRights(db, own.orgId, own.creator, now, depth);
  if (!maker) return null;
  return {
    permissions: new Set(own.scopes.filter((s) => maker.permissions.has(s))),
    devices: cutDevices(own.deviceIds, maker.devices),
    canCreateDevices: false,
  };
}

function cutDevices(own: readonly number[] | null, maker: DeviceSet): DeviceSet {
  if (maker.kind === 'all') return own === null ? allDevices : { kind: 'ids', ids: new Set(own) };
  if (maker.kind !== 'ids') return { kind: 'ids', ids: new Set() };
  return { kind: 'ids', ids: new Set(own === null ? maker.ids : own.filter((id) => maker.ids.has(id))) };
}

/**
 * An app as a principal now: its own grant cut to what its maker holds now;
 * null when it is revoked or expired, or its maker holds nothing any more.
 */
export function appPrincipalNow(db: Db, app: App, now: number): AppPrincipal | null {
  if (app.revokedAt !== null || (app.expiresAt !== null && now >= app.expiresAt)) return null;
  const rights = effectiveRights(db, { ...app, scopes: app.scopes.filter(isScope) }, now);
  if (!rights) return null;
  return {
    kind: 'app',
    appId: app.id,
    orgId: app.orgId,
    scopes: [...rights.permissions].filter(isScope),
    deviceIds: deviceIdsOf(rights.devices),
    allowIps: app.allowIps,
    allowOrigins: app.allowOrigins,
    serverOnly: app.serverOnly,
  };
}

/** The device ids of a rights' device set, or null for all (what a principal carries). */
export function deviceIdsOf(set: DeviceSet): number[] | null {
  if (set.kind === 'all') return null;
  if (set.kind === 'ids') return [...set.ids].sort((a, b) => a - b);
  return set.kind === 'one' ? [set.id] : [];
}

/** Who a new credential records as its maker. Device credentials make nothing. */
export function creatorOf(p: Principal): Creator {
  switch (p.kind) {
    case 'user':
      return { kind: 'user', id: p.userId };
    case 'app':
      return { kind: 'app', id: p.appId };
    case 'apiKey':
      return { kind: 'apikey', id: p.apiKeyId };
    case 'cli':
      return { kind: 'cli' };
    default:
      throw new AccessError('FORBIDDEN', 'Device credentials cannot create credentials.', 'Use a person’s session, an app token or the CLI.', 403);
  }
}

/** Refuses a grant beyond what the maker holds: more scopes, or devices it cannot reach. */
export function checkGrant(db: Db, maker: Principal, wanted: { scopes: readonly string[]; deviceIds: readonly number[] | null }): void {
  const rights = rightsOf(db, maker);
  const beyond = scopesBeyond(rights, wanted.scopes);
  if (beyond.length) throw new AccessError('FORBIDDEN', `You cannot grant ${beyond.join(', ')}: you do not hold it yourself.`, 'Ask someone who holds it (an owner) to create this credential.', 403);
  if (!devicesWithin(rights, wanted.deviceIds)) {
    throw new AccessError(
      'FORBIDDEN',
      wanted.deviceIds === null ? 'You can reach only some devices, so you cannot grant all of them.' : 'You cannot grant devices you cannot reach yourself.',
      'Pass deviceIds within your own.',
      403,
    );
  }
}
