import type { ApiContract } from '../../../src-shared/api/contract';
import type { HandlerRegistry } from '../../console/registry';
import type { AaaContext } from '../context';
import { createGroup, listGroups, removeGroup, updateGroup } from '../groups';
import { callerOf } from '../caller';

export function registerGroupHandlers(registry: HandlerRegistry<ApiContract>, ctx: AaaContext): void {
  registry.register('groups.list', (_input, call) => listGroups(ctx, callerOf(call).orgId));
  registry.register('groups.create', (input, call) => {
    const { actor, orgId } = callerOf(call);
    return createGroup(ctx, actor, orgId, input);
  });
  registry.register('groups.update', (input, call) => {
    const { actor, orgId } = callerOf(call);
    return updateGroup(ctx, actor, orgId, input.id, input);
  });
  registry.register('groups.remove', (input, call) => {
    const { actor, orgId } = callerOf(call);
    removeGroup(ctx, actor, orgId, input.id);
    return { ok: true };
  });
}
