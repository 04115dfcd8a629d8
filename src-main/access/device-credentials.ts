import type { Db } from '../store/database';
import { cachedStatement } from '../store/statement-cache';
import { deviceByTrustedId } from '../devices/queries/devices';
import { findLiveDeviceToken, isDeviceTokenLive } from '../devices/queries/device-tokens';
import { findLiveIngestToken, isIngestTokenLive } from '../devices/queries/ingest-tokens';
import { parseToken } from '../security/tokens';
import type { Principal } from './principal';

export type CredentialResult = { ok: true; principal: Principal } | { ok: false; reason: 'bad_token' | 'not_authorized'; message: string };

/** Entries kept at most; past that the cache starts again (random bad tokens must not grow it without bound). */
const maxEntries = 50_000;

interface CredentialCache {
  /** The connection's total_changes() when filled: any write made through it since empties the cache. */
  changes: number;
  byHash: Map<string, CredentialResult>;
  live: Map<string, boolean>;
}

const caches = new WeakMap<Db, CredentialCache>();

/**
 * Token lookups are cached in memory by hash, so a message costs a hash and
 * a map lookup instead of two indexed queries. The cache is emptied
 * - by `forgetCredentials`, which the hub calls on the DbWatcher's `change`
 *   (a commit by another process, e.g. `outpost device revoke`, seen within
 *   the watcher's 250 ms; readings commits by the writer thread do not count,
 *   see store/db-watcher.ts), and
 * - by any write made through this connection (a revocation from the console
 *   or an in-process call counts from the very next lookup): SQLite's
 *   per-connection total_changes() is compared on every lookup.
 */
function cacheFor(db: Db): CredentialCache {
  const changes = cachedStatement(db, 'SELECT total_changes()').pluck().get() as number;
  let cache = caches.get(db);
  if (!cache || cache.changes !== changes || cache.byHash.size + cache.live.size > maxEntries) {
    cache = { changes, byHash: new Map(), live: new Map() };
    caches.set(db, cache);
  }
  return cache;
}

/** Empties the credential cache of this connection (another process changed the database). */
export function forgetCredentials(db: Db): void {
  caches.delete(db);
}

/** A device token or an organisation ingest token, by hash (cached; see cacheFor). */
export function resolveIngestToken(db: Db, token: unknown): CredentialResult {
  const parsed = parseToken(token, ['device', 'orgIngest']);
  if (!parsed) return { ok: false, reason: 'bad_token', message: 'the token is not a valid Outpost device or ingest token' };
  const cache = cacheFor(db);
  const key = `${parsed.kind}:${parsed.hash.toString('hex')}`;
  let result = cache.byHash.get(key);
  if (!result) cache.byHash.set(key, (result = lookUp(db, parsed)));
  return result;
}

function lookUp(db: Db, parsed: NonNullable<ReturnType<typeof parseToken>>): CredentialResult {
  if (parsed.kind === 'device') {
    const t = findLiveDeviceToken(db, parsed.hash);
    const device = t ? deviceByTrustedId(db, t.deviceId) : null;
    if (!t || !device) return { ok: false, reason: 'bad_token', message: 'the token is unknown or revoked' };
    if (device.disabledAt !== null) return { ok: false, reason: 'not_authorized', message: `device "${device.label}" is disabled` };
    return { ok: true, principal: { kind: 'device', tokenId: t.id, deviceId: device.id, orgId: device.orgId, label: device.label } };
  }
  const t = findLiveIngestToken(db, parsed.hash);
  if (!t) return { ok: false, reason: 'bad_token', message: 'the token is unknown or revoked' };
  return { ok: true, principal: { kind: 'ingest', tokenId: t.id, orgId: t.orgId, deviceLabels: t.deviceLabels, canCreateDevices: t.canCreateDevices } };
}

/** Is a principal's credential still valid? (Sessions recheck this when the database changes.) */
export function principalStillValid(db: Db, principal: Principal): boolean {
  if (principal.kind !== 'device' && principal.kind !== 'ingest') return true;
  const cache = cacheFor(db);
  const key = `${principal.kind}:${principal.tokenId}`;
  let live = cache.live.get(key);
  if (live === undefined) {
    live = principal.kind === 'device' ? isDeviceTokenLive(db, principal.tokenId) : isIngestTokenLive(db, principal.tokenId);
    cache.live.set(key, live);
  }
  return live;
}
