import type { Logger } from '../logging/logger';
import type { CallGuard } from '../console/registry';
import { findDeviceById } from '../devices/queries/devices';
import { allows } from './authorize';
import type { AccessContext } from './context';
import { mayUseDevice } from './device-access';

/**
 * The registry's policies, each from its one home: permissions
 * (access/authorize.ts), device access (access/device-access.ts) and the
 * audit log (audit/chain.ts). `changed` tells live sessions and caches that a
 * write happened in this process.
 */
export function accessGuard(ctx: AccessContext, changed: () => void, logger: Logger | null): CallGuard {
  return {
    allows,
    device(principal, deviceId, permission) {
      const device = findDeviceById(ctx.db, principal.orgId, deviceId);
      return device && mayUseDevice(ctx.db, principal, device, permission) ? { id: device.id, label: device.label } : null;
    },
    audit: (event) => ctx.audit(event),
    changed,
    internalError: (method, err) => logger?.error({ err, method }, 'API method failed inside the hub'),
  };
}
