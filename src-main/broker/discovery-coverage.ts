import { filtersOverlap, haDiscoveryPrefix, haNodeId, substitutePattern } from '../../src-shared/protocols/outpost-topics';
import { usableDeviceIds } from '../access/device-access';
import { liveIntegrations, type MqttGrant } from '../access/integration-credentials';
import type { AppPrincipal } from '../access/principal';
import type { Db } from '../store/database';

/**
 * Which devices' Home Assistant discovery configs the hub keeps retained
 * (docs/INTEGRATIONS.md, "Home Assistant"): a device's configs exist only
 * while at least one integration of its organisation that holds something
 * now (not revoked, not expired, its maker still holding rights) may receive
 * them: one of its subscribe patterns reaches the device's config topics and
 * it may read the device (`readings:read` and the device in its set: the
 * topic ACL's own test, mayUseDevice). Configs are shared by the
 * organisation's integrations, so one revoked integration clears only what
 * no other one still reads.
 */
export class DiscoveryCoverage {
  /**
   * Per organisation: its live integrations with their subscribe patterns (`%u` filled in) and the ids of the
   * devices they may read, read once per compute (refresh runs on every database change): covers() is a lookup.
   */
  private readonly readers = new Map<number, { principal: AppPrincipal; patterns: string[]; readable: Set<number> }[]>();
  /** The soonest time one of them expires: coverage is computed again then. */
  private nextExpiry: number | null = null;

  /** Reads the integrations of these organisations as they are now. */
  compute(db: Db, orgIds: Iterable<number>, now: number): void {
    this.clear();
    for (const orgId of orgIds) {
      const live = liveIntegrations(db, orgId, now).map((i) => ({ ...i, patterns: subscribePatterns(i.grant), readable: usableDeviceIds(db, i.principal, 'readings:read') }));
      this.readers.set(orgId, live);
      for (const { expiresAt } of live) if (expiresAt !== null && (this.nextExpiry === null || expiresAt < this.nextExpiry)) this.nextExpiry = expiresAt;
    }
  }

  /** Has an integration counted here expired since the last compute? */
  expired(now: number): boolean {
    return this.nextExpiry !== null && now >= this.nextExpiry;
  }

  /** Nothing is covered (Home Assistant discovery is off): no integration is read. */
  clear(): void {
    this.readers.clear();
    this.nextExpiry = null;
  }

  covers(device: { orgId: number; id: number }): boolean {
    const configs = `${haDiscoveryPrefix}/sensor/${haNodeId(device.orgId, device.id)}/+/config`;
    return (this.readers.get(device.orgId) ?? []).some((r) => r.readable.has(device.id) && r.patterns.some((p) => filtersOverlap(p, configs)));
  }
}

/**
 * The patterns an integration may subscribe within, whatever client id it
 * picks: `%u` is its name, `%c` any client id, so it counts as `+`.
 */
function subscribePatterns(grant: MqttGrant): string[] {
  return grant.subscribe
    .map((pattern) => substitutePattern(pattern.split('/').map((l) => (l === '%c' ? '+' : l)).join('/'), { clientId: 'any', username: grant.name }))
    .filter((p) => p !== null);
}
