import { existsSync, statSync } from 'node:fs';
import type { ApiContract } from '../../src-shared/api/contract';
import type { AccessContext } from '../access/context';
import { visibleDeviceIds } from '../access/device-access';
import { isHubOwner } from '../access/people';
import { devicesWithin, rightsOf } from '../access/rights';
import { openSessionDevices } from '../broker/queries/mqtt-sessions';
import type { HandlerRegistry } from '../console/registry';
import { ServiceError } from '../errors';
import { outboxStatements } from '../sync/queries/sync-outbox';
import { countersWindowSeconds, type TrafficCounters } from './traffic-counters';

/** What the Hub page's counters read in a running hub. */
export interface CounterSources {
  traffic: TrafficCounters;
  databaseFile: string;
}

/** The database file with its write-ahead log: what the data directory holds for readings. */
function databaseBytes(file: string): number {
  return [file, `${file}-wal`].reduce((n, f) => n + (existsSync(f) ? statSync(f).size : 0), 0);
}

/**
 * `hub.counters`: the caller's organisation's figures over the devices they
 * may see (the one device-access check); hub-wide figures, database size and
 * sync backlog (hub-wide things) for the hub owner only.
 */
export function registerCounterHandlers(registry: HandlerRegistry<ApiContract>, ctx: AccessContext, sources?: CounterSources): void {
  registry.register('hub.counters', (_input, caller) => {
    if (!sources) throw new ServiceError('HUB_NOT_RUNNING', 'Only the running hub counts its traffic.', 409);
    const sessions = openSessionDevices(ctx.db);
    const mqttDevices = sessions.filter((d): d is number => d !== null);
    const seesAll = devicesWithin(rightsOf(ctx.db, caller.principal), null);
    const org = sources.traffic.figures({ deviceIds: new Set(visibleDeviceIds(ctx.db, caller.principal)), orgsWithoutDevice: new Set(seesAll ? [caller.orgId] : []), unattributed: false }, mqttDevices);
    if (!isHubOwner(caller.principal)) return { windowSeconds: countersWindowSeconds, org, hub: null };
    const hub = sources.traffic.figures({ deviceIds: 'all', orgsWithoutDevice: 'all', unattributed: true }, mqttDevices, sessions.length - mqttDevices.length);
    return {
      windowSeconds: countersWindowSeconds,
      org,
      hub: { ...hub, databaseBytes: databaseBytes(sources.databaseFile), syncBacklog: outboxStatements(ctx.db).backlog().count },
    };
  });
}
