import type { HandlerRegistry } from '../console/registry';
import type { ApiContract } from '../../src-shared/api/contract';
import { mintAccessToken, verifyAccessToken, type AccessTokenClaims } from './api-keys';
import { allows, canSeeDevice } from './authorize';
import type { AaaContext } from './context';
import { subjectOf } from './principal';
import { registerAuthHandlers } from './handlers/auth';
import { registerUserHandlers } from './handlers/users';
import { registerGroupHandlers } from './handlers/groups';
import { registerAppHandlers } from './handlers/apps';
import { registerAuditHandlers } from '../audit/handlers';
import { registerSettingsHandlers } from '../settings/handlers';
import { registerDeviceHandlers } from '../devices/handlers';
import { registerDeviceAdminHandlers } from '../devices/admin-handlers';
import type { ReaderClient } from '../store/reader-client';

/** What other modules (the ingest listener's /api/v1.6/auth/token route) use from AAA. */
export interface AaaService {
  readonly ctx: AaaContext;
  mintAccessToken(apiKey: string, remoteAddress: string): Promise<{ token: string; expiresAt: number; jti: string }>;
  verifyAccessToken(jwt: string, remoteAddress: string): Promise<AccessTokenClaims>;
}

export function createAaaService(ctx: AaaContext): AaaService {
  return {
    ctx,
    mintAccessToken: (apiKey, address) => mintAccessToken(ctx, apiKey, address),
    verifyAccessToken: (jwt, address) => verifyAccessToken(ctx, jwt, address),
  };
}

/** Installs the permission guard and every AAA console handler. */
export function registerAaa(registry: HandlerRegistry<ApiContract>, ctx: AaaContext, reader: () => ReaderClient | undefined = () => undefined): void {
  registry.setGuard({
    allows,
    canSeeDevice: (principal, deviceId) => canSeeDevice(ctx.db, principal, deviceId),
    audit: (e) => ctx.audit({ actor: subjectOf(e.principal), action: e.method, target: e.target, outcome: e.outcome, address: e.address, ...(e.detail ? { detail: e.detail } : {}) }),
  });
  registerAuthHandlers(registry, ctx);
  registerUserHandlers(registry, ctx);
  registerGroupHandlers(registry, ctx);
  registerAppHandlers(registry, ctx);
  registerAuditHandlers(registry, ctx);
  registerSettingsHandlers(registry, ctx);
  registerDeviceHandlers(registry, ctx, reader);
  registerDeviceAdminHandlers(registry, ctx);
}
