import type { HubStatus } from '../../src-shared/api/contract';
import type { ApiContract } from '../../src-shared/api/contract';
import type { HubConnection } from '../../src-shared/api/areas/hub';
import { ServiceError } from '../errors';
import type { HandlerRegistry } from './registry';

/** Before sign-in only the CA fingerprint (to check the certificate); the rest for signed-in callers. */
export function registerHubHandlers(registry: HandlerRegistry<ApiContract>, status: () => HubStatus, connection?: () => HubConnection): void {
  registry.register('hub.info', () => ({ caFingerprint: status().tls.caFingerprint }));
  registry.register('hub.status', () => status());
  registry.register('hub.ca', () => {
    if (!connection) throw new ServiceError('HUB_NOT_RUNNING', 'Only the running hub serves its CA certificate; the CLI can read tls/ca.crt in the data directory.', 409);
    const { caPem, caFingerprint } = connection();
    return { caPem, caFingerprint };
  });
  registry.register('hub.connection', () => {
    if (!connection) throw new ServiceError('HUB_NOT_RUNNING', 'Only the running hub knows its listeners.', 409);
    return connection();
  });
}
