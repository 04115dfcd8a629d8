import type { ApiContract } from '../../src-shared/api/contract';
import type { HandlerRegistry } from '../console/registry';
import type { SyncService } from './service';

export function registerSyncHandlers(registry: HandlerRegistry<ApiContract>, sync: SyncService): void {
  registry.register('sync.status', () => sync.current());
  registry.register('sync.configure', (input) => sync.configure(input));
}
