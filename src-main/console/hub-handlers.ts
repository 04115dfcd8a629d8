import type { HubStatus } from '../../src-shared/api/contract';
import type { ApiContract } from '../../src-shared/api/contract';
import type { HandlerRegistry } from './registry';

export function registerHubHandlers(registry: HandlerRegistry<ApiContract>, status: () => HubStatus): void {
  registry.register('hub.status', () => status());
}
