import type { ApiContract } from '../../src-shared/api/contract';
import type { AccessContext } from '../access/context';
import { visibleDeviceIds } from '../access/device-access';
import { isHubOwner } from '../access/people';
import { devicesWithin, rightsOf } from '../access/rights';
import type { HandlerRegistry } from '../console/registry';
import { badTokensByAddress, refusalsOfDevice, refusalsOfOrg, type RefusalRow } from './queries/refusals';

const view = (r: RefusalRow) => ({
  id: r.id,
  at: r.at,
  deviceId: r.deviceId,
  deviceLabel: r.deviceLabel,
  protocol: r.protocol,
  reason: r.reason,
  target: r.target,
  excerpt: r.excerpt,
  message: r.message,
  address: r.address,
  count: r.count,
});

/** Recent refusals: per device (the registry has checked the device), and the organisation's traffic page. */
export function registerRefusalHandlers(registry: HandlerRegistry<ApiContract>, ctx: AccessContext): void {
  registry.register('devices.problems', (input) => refusalsOfDevice(ctx.db, input.deviceId, input.limit).map(view));
  registry.register('traffic.badTokens', (input) =>
    badTokensByAddress(ctx.db, input.limit).map((r) => ({ address: r.address, attempts: r.attempts, firstAt: r.firstAt, lastAt: r.lastAt, protocols: r.protocols.split(',') })),
  );
  registry.register('traffic.refusals', (input, caller) => {
    const visible = new Set(visibleDeviceIds(ctx.db, caller.principal));
    const seesAll = devicesWithin(rightsOf(ctx.db, caller.principal), null);
    const owner = isHubOwner(caller.principal);
    // Filtered after the query, so read a few pages more than asked; the table holds at most a few thousand rows.
    const rows = refusalsOfOrg(ctx.db, caller.orgId, owner, { protocol: input.protocol, deviceId: input.deviceId }, input.limit * 4);
    return rows
      .filter((r) => (r.deviceId !== null ? visible.has(r.deviceId) : r.orgId === null ? owner : seesAll))
      .slice(0, input.limit)
      .map(view);
  });
}
