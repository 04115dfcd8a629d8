import type { ApiContract } from '../../../src-shared/api/contract';
import type { HandlerRegistry } from '../../console/registry';
import type { AccessContext } from '../context';
import { createGroup, listGroups, removeGroup, updateGroup } from '../groups';

export function registerGroupHandlers(registry: HandlerRegistry<ApiContract>, ctx: AccessContext): void {
  registry.register('groups.list', (_input, caller) => listGroups(ctx, caller.orgId));
  registry.register('groups.create', (input, caller) => createGroup(ctx, caller, input));
  registry.register('groups.update', (input, caller) => updateGroup(ctx, caller, input.id, input));
  registry.register('groups.remove', (input, caller) => {
    removeGroup(ctx, caller, input.id);
    return { ok: true };
  });
}
