import type { HubContext } from '../hub-context';
import type { ConsoleGate } from '../console/gate';
import { createConsoleGate } from './console-gate';
import { createAccessContext, type AccessContext } from './context';
import { createDeviceAuth, type DeviceAuth } from './device-authenticate';

/** How often console accounting is written. */
const usageFlushMs = 2_000;

export interface Access {
  ctx: AccessContext;
  /** The console's front door (HTTPS, IPC, the live channel). */
  gate: ConsoleGate;
  /** The device listeners' credential checks. */
  devices: DeviceAuth;
}

/**
 * Authentication, authorization, abuse control and audit. Credential rows are
 * read on every request rather than cached, so a revoke or a disable written
 * by the CLI (another process, same database) applies at once.
 */
export function startAccess(hub: HubContext): Access {
  const ctx = createAccessContext(hub.db, hub.identity.hubId, {
    tokenSigning: hub.key('token-signing'),
    audit: hub.key('audit-chain'),
    totp: hub.key('totp-secrets'),
    alarmSecrets: hub.key('alarm-secrets'),
  });
  hub.onStop('access-keys', () => {
    for (const key of Object.values(ctx.keys)) key.fill(0);
  });
  const usage = setInterval(() => {
    try {
      ctx.usage.flush();
    } catch (err) {
      hub.logger.warn({ err }, 'console accounting not written; retrying at the next flush');
    }
  }, usageFlushMs);
  usage.unref();
  hub.onStop('access-usage', () => {
    clearInterval(usage);
    ctx.usage.flush();
  });
  return { ctx, gate: createConsoleGate(ctx), devices: createDeviceAuth(ctx) };
}
