import type { ApiContract } from '../../../src-shared/api/contract';
import type { HandlerRegistry } from '../../console/registry';
import { createApiKey, listApiKeys, revokeAccessTokenById, revokeApiKeyByName } from '../api-keys';
import { createApp, listApps, revokeAppByName } from '../apps';
import type { AccessContext } from '../context';

export function registerAppHandlers(registry: HandlerRegistry<ApiContract>, ctx: AccessContext): void {
  registry.register('apps.list', (_input, caller) => listApps(ctx, caller.orgId));
  registry.register('apps.create', (input, caller) => createApp(ctx, caller, input));
  registry.register('apps.revoke', (input, caller) => revokeAppByName(ctx, caller, input.name));
  registry.register('apiKeys.list', (_input, caller) => listApiKeys(ctx, caller.orgId));
  registry.register('apiKeys.create', (input, caller) => createApiKey(ctx, caller, input));
  registry.register('apiKeys.revoke', (input, caller) => revokeApiKeyByName(ctx, caller, input.name));
  registry.register('accessTokens.revoke', (input, caller) => {
    revokeAccessTokenById(ctx, caller, input.jti);
    return { ok: true };
  });
}
