import type { ApiContract } from '../../../src-shared/api/contract';
import type { HandlerRegistry } from '../../console/registry';
import { createApiKey, listApiKeys, revokeAccessTokenById, revokeApiKeyByName } from '../api-keys';
import { createApp, listApps, revokeAppByName } from '../apps';
import type { AaaContext } from '../context';
import { callerOf } from '../caller';

export function registerAppHandlers(registry: HandlerRegistry<ApiContract>, ctx: AaaContext): void {
  registry.register('apps.list', (_input, call) => listApps(ctx, callerOf(call).orgId));
  registry.register('apps.create', (input, call) => {
    const { actor, orgId, principal } = callerOf(call);
    return createApp(ctx, { ...actor, deviceIds: principal.kind === 'app' ? principal.deviceIds : null }, orgId, input);
  });
  registry.register('apps.revoke', (input, call) => {
    const { actor, orgId } = callerOf(call);
    return revokeAppByName(ctx, actor, orgId, input.name);
  });
  registry.register('apiKeys.list', (_input, call) => listApiKeys(ctx, callerOf(call).orgId));
  registry.register('apiKeys.create', (input, call) => {
    const { actor, orgId } = callerOf(call);
    return createApiKey(ctx, actor, orgId, input.name);
  });
  registry.register('apiKeys.revoke', (input, call) => {
    const { actor, orgId } = callerOf(call);
    return revokeApiKeyByName(ctx, actor, orgId, input.name);
  });
  registry.register('accessTokens.revoke', (input, call) => {
    const { actor, orgId } = callerOf(call);
    revokeAccessTokenById(ctx, actor, orgId, input.jti);
    return { ok: true };
  });
}
