import type { ApiContract } from '../../src-shared/api/contract';
import type { HandlerRegistry } from '../console/registry';
import { findDeviceById } from './queries/devices';
import { lastReadings, readingsInRange } from '../history/queries/readings';
import { listVariables } from './queries/variables';
import type { Reading } from '../../src-shared/reading';
import { visibleDeviceIds } from '../access/authorize';
import type { AaaContext } from '../access/context';
import { callerOf } from '../access/caller';

const toEvent = (r: Reading) => ({ variable: r.variable, ts: r.ts, value: r.value, context: r.context });

/**
 * Device reads for the console. The registry has already checked the
 * permission and, for single-device methods, that the caller may see it.
 */
export function registerDeviceHandlers(registry: HandlerRegistry<ApiContract>, ctx: AaaContext): void {
  const deviceView = (id: number) => {
    const d = findDeviceById(ctx.db, id)!;
    return { id: d.id, label: d.label, name: d.name, type: d.type, createdAt: d.createdAt, lastSeenAt: d.lastSeenAt };
  };
  registry.register('devices.list', (_input, call) => visibleDeviceIds(ctx.db, callerOf(call).principal).map(deviceView));
  registry.register('devices.get', (input) => ({
    ...deviceView(input.deviceId),
    variables: listVariables(ctx.db, input.deviceId).map((v) => ({ id: v.id, label: v.label, unit: v.unit })),
  }));
  registry.register('devices.events', (input) => lastReadings(ctx.db, input.deviceId, input.count).map(toEvent));
  registry.register('readings.range', (input) => readingsInRange(ctx.db, input.deviceId, input.variable, input.from, input.to, input.limit).map(toEvent));
}
