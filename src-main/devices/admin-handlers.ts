import type { ApiContract } from '../../src-shared/api/contract';
import type { HandlerRegistry } from '../console/registry';
import { addDevice, revokeDevice, rotateDeviceToken } from './lifecycle';
import { findDeviceById } from './queries/devices';
import { listVariables } from './queries/variables';
import { visibleDeviceIds } from '../access/authorize';
import type { AaaContext } from '../access/context';
import { callerOf } from '../access/caller';

const deviceRef = (d: { id: number; label: string; name: string }) => ({ id: d.id, label: d.label, name: d.name });

/**
 * Device life cycle from the console, on the same functions as `outpost device`.
 * The registry has checked the permission and, for one device, that the caller sees it.
 */
export function registerDeviceAdminHandlers(registry: HandlerRegistry<ApiContract>, ctx: AaaContext): void {
  registry.register('devices.latest', (_input, call) =>
    visibleDeviceIds(ctx.db, callerOf(call).principal).map((deviceId) => ({
      deviceId,
      variables: listVariables(ctx.db, deviceId).flatMap((v) => (v.last ? [{ label: v.label, value: v.last.value, ts: v.last.ts }] : [])),
    })),
  );
  registry.register('devices.create', (input, call) => {
    const { actor, orgId } = callerOf(call);
    const { device, token } = addDevice(ctx.db, { orgId, label: input.label, ...(input.name ? { name: input.name } : {}), ...(input.type ? { type: input.type } : {}) }, ctx.now());
    ctx.audit({ actor: actor.subject, action: 'device.create', target: `device:${device.id}`, outcome: 'ok', address: actor.address, detail: { label: device.label } });
    return { device: deviceRef(device), token };
  });
  registry.register('devices.rotateToken', (input, call) => {
    const { actor, orgId } = callerOf(call);
    const { device, token } = rotateDeviceToken(ctx.db, orgId, findDeviceById(ctx.db, input.deviceId)!.label, ctx.now());
    ctx.audit({ actor: actor.subject, action: 'device.rotateToken', target: `device:${device.id}`, outcome: 'ok', address: actor.address });
    return { device: deviceRef(device), token };
  });
  registry.register('devices.revokeTokens', (input, call) => {
    const { actor, orgId } = callerOf(call);
    const { device, revoked } = revokeDevice(ctx.db, orgId, findDeviceById(ctx.db, input.deviceId)!.label, ctx.now());
    ctx.audit({ actor: actor.subject, action: 'device.revokeTokens', target: `device:${device.id}`, outcome: 'ok', address: actor.address, detail: { revoked } });
    return { revoked };
  });
}
