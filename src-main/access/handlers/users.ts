import type { ApiContract } from '../../../src-shared/api/contract';
import { rolePermissions, roles } from '../../../src-shared/permissions';
import type { HandlerRegistry } from '../../console/registry';
import type { AaaContext } from '../context';
import { addUser, listUsers, removeMember, updateMember } from '../users';
import { callerOf } from '../caller';

export function registerUserHandlers(registry: HandlerRegistry<ApiContract>, ctx: AaaContext): void {
  registry.register('users.list', (_input, call) => listUsers(ctx, callerOf(call).orgId));
  registry.register('users.create', (input, call) => {
    const { actor, orgId } = callerOf(call);
    return addUser(ctx, actor, { ...input, orgId });
  });
  registry.register('users.update', (input, call) => {
    const { actor, orgId } = callerOf(call);
    const { id, ...patch } = input;
    return updateMember(ctx, actor, orgId, id, patch);
  });
  registry.register('users.remove', (input, call) => {
    const { actor, orgId } = callerOf(call);
    removeMember(ctx, actor, orgId, input.id);
    return { ok: true };
  });
  registry.register('roles.list', () => roles.map((role) => ({ role, permissions: [...rolePermissions[role]] })));
}
