import type { ConsoleGate } from '../console/gate';
import type { LiveAccess } from '../console/live-feed';
import { authenticate } from './authenticate';
import { allows } from './authorize';
import type { AccessContext } from './context';
import { visibleDeviceIds } from './device-access';
import type { ConsolePrincipal } from './principal';

const forbidden = { code: 'FORBIDDEN', message: 'This credential may not read readings: it needs the permission "readings:read".' };

/**
 * The live channel's checks: the console gate (rate limits, abuse control, IP
 * and origin allowlists) on open, then the credential and its device set
 * re-read without touching the session, so an open dashboard does not defeat
 * the idle expiry, and a revocation or demotion applies to open sockets.
 */
export function createLiveAccess(ctx: AccessContext, gate: ConsoleGate): LiveAccess {
  const devicesOf = (p: ConsolePrincipal) => new Set(visibleDeviceIds(ctx.db, p));
  return {
    async open({ token, address, origin, host }) {
      const admission = await gate.admit({ address, authorization: `Bearer ${token}`, origin, host });
      if (!admission.ok) return { ok: false, error: admission.error };
      const principal = admission.principal;
      if (!principal || !allows(principal, 'readings:read')) return { ok: false, error: forbidden };
      return {
        ok: true,
        grant: {
          deviceIds: devicesOf(principal),
          async refresh() {
            const now = await authenticate(ctx, token, { touch: false }).catch(() => null);
            return now && allows(now, 'readings:read') ? devicesOf(now) : null;
          },
        },
      };
    },
  };
}
