import type { ApiContract } from '../../src-shared/api/contract';
import type { DeviceHealth } from '../../src-shared/api/areas/health';
import { defaultThresholds, freshnessOf } from '../../src-shared/health';
import type { AccessContext } from '../access/context';
import { visibleDevices } from '../access/device-access';
import { openSessionDevices } from '../broker/queries/mqtt-sessions';
import type { HandlerRegistry } from '../console/registry';
import { ServiceError } from '../errors';
import { hourOf } from './queries/usage';
import { findDeviceById } from '../devices/queries/devices';
import { hourlyOfOrg, lastValuesOfOrg, setThresholds, thresholdsOfOrg } from '../devices/queries/health';

const hourMs = 3_600_000;
const hoursShown = 24;
/** Variable labels the board shows as vitals (Ubidots and ThingsBoard firmware commonly send these). */
const vitalLabel = /^(battery|batt|bat|vbat|battery_level|battery_voltage|rssi|wifi_rssi|signal|signal_strength|snr|lqi|csq)$/i;

const problemOrder = ['offline', 'stale', 'never sent', 'refusals'];

/** What needs a look: the state, then refusals in the last 24 hours. */
function problemsOf(state: DeviceHealth['state'], refusals: number): string[] {
  const list: string[] = [];
  if (state === 'offline' || state === 'stale') list.push(state);
  if (state === 'never') list.push('never sent');
  if (refusals > 0) list.push('refusals');
  return list;
}

const severity = (h: DeviceHealth) => (h.problems.length === 0 ? problemOrder.length : Math.min(...h.problems.map((p) => problemOrder.indexOf(p))));

/**
 * The health board: one read per table for the organisation, cut down to the
 * devices the caller may see (the one device-access check), problems first.
 */
export function registerHealthHandlers(registry: HandlerRegistry<ApiContract>, ctx: AccessContext): void {
  registry.register('devices.health', (_input, caller) => {
    const now = ctx.now();
    const devices = visibleDevices(ctx.db, caller.principal);
    const thresholds = thresholdsOfOrg(ctx.db, caller.orgId);
    const connected = new Set(openSessionDevices(ctx.db));
    const firstHour = hourOf(now) - (hoursShown - 1) * hourMs;
    const hourly = new Map<number, Map<number, { messages: number; bytes: number; refusals: number }>>();
    for (const h of hourlyOfOrg(ctx.db, caller.orgId, firstHour)) {
      let byHour = hourly.get(h.deviceId);
      if (!byHour) hourly.set(h.deviceId, (byHour = new Map()));
      byHour.set(h.hour, { messages: h.messages, bytes: h.bytes, refusals: h.refusals });
    }
    const vitals = new Map<number, DeviceHealth['vitals']>();
    for (const v of lastValuesOfOrg(ctx.db, caller.orgId)) {
      if (!vitalLabel.test(v.variable)) continue;
      vitals.set(v.deviceId, [...(vitals.get(v.deviceId) ?? []), { variable: v.variable, value: v.value, ts: v.ts }]);
    }
    const board = devices.map((d): DeviceHealth => {
      const own = thresholds.get(d.id);
      const t = own ?? defaultThresholds;
      const isConnected = connected.has(d.id);
      const state = freshnessOf(d.lastSeenAt, now, t, isConnected) as DeviceHealth['state'];
      const byHour = hourly.get(d.id);
      const hours = Array.from({ length: hoursShown }, (_, i) => {
        const hour = firstHour + i * hourMs;
        return { hour, ...(byHour?.get(hour) ?? { messages: 0, bytes: 0, refusals: 0 }) };
      });
      const totals = hours.reduce((s, h) => ({ messages: s.messages + h.messages, bytes: s.bytes + h.bytes, refusals: s.refusals + h.refusals }), { messages: 0, bytes: 0, refusals: 0 });
      return {
        id: d.id,
        label: d.label,
        name: d.name,
        state,
        connected: isConnected,
        lastSeenAt: d.lastSeenAt,
        thresholds: { staleAfterS: t.staleAfterS, offlineAfterS: t.offlineAfterS },
        customThresholds: own !== undefined,
        hours,
        totals,
        vitals: (vitals.get(d.id) ?? []).sort((a, b) => a.variable.localeCompare(b.variable)),
        problems: problemsOf(state, totals.refusals),
      };
    });
    return board.sort((a, b) => severity(a) - severity(b) || b.totals.refusals - a.totals.refusals || a.label.localeCompare(b.label));
  });

  registry.register('devices.setThresholds', (input, caller) => {
    // The registry has checked the caller may use it; gone since: say so.
    const device = findDeviceById(ctx.db, caller.orgId, input.deviceId);
    if (!device) throw new ServiceError('DEVICE_NOT_FOUND', 'That device no longer exists.', 404);
    setThresholds(ctx.db, device.id, input.thresholds);
    caller.audit.target({ kind: 'device', id: device.id, label: device.label });
    caller.audit.detail({ thresholds: input.thresholds });
    const t = input.thresholds ?? defaultThresholds;
    return { staleAfterS: t.staleAfterS, offlineAfterS: t.offlineAfterS, customThresholds: input.thresholds !== null };
  });
}
