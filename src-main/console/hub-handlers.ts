import type { HubStatus } from '../../src-shared/api/contract';
import type { ApiContract } from '../../src-shared/api/contract';
import type { HandlerRegistry } from './registry';

/** Before sign-in only the CA fingerprint (to check the certificate); the rest for signed-in callers. */
export function registerHubHandlers(registry: HandlerRegistry<ApiContract>, status: () => HubStatus): void {
  registry.register('hub.info', () => ({ caFingerprint: status().tls.caFingerprint }));
  registry.register('hub.status', () => status());
}
