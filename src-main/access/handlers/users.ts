import type { ApiContract } from '../../../src-shared/api/contract';
import { rolePermissions, roles } from '../../../src-shared/permissions';
import type { HandlerRegistry } from '../../console/registry';
import type { AccessContext } from '../context';
import { inviteUser, listInvitations, withdrawInvitation } from '../invitations';
import { listMembers } from '../people';
import { erasePerson } from '../erasure';
import { exportPersonalData } from '../personal-data';
import { createUser, removeMember, resetTotp, setHubAdmin, updateMember } from '../users';

export function registerUserHandlers(registry: HandlerRegistry<ApiContract>, ctx: AccessContext): void {
  registry.register('users.list', (_input, caller) => listMembers(ctx, caller.orgId));
  registry.register('users.exportData', (input, caller) => exportPersonalData(ctx, caller, input.id));
  registry.register('users.erase', (input, caller) => erasePerson(ctx, caller, input.id));
  registry.register('users.invite', (input, caller) => inviteUser(ctx, caller, input));
  registry.register('invitations.list', (_input, caller) => listInvitations(ctx, caller.orgId));
  registry.register('invitations.revoke', (input, caller) => {
    withdrawInvitation(ctx, caller, input.id);
    return { ok: true };
  });
  registry.register('users.create', (input, caller) => createUser(ctx, caller, input));
  registry.register('users.update', (input, caller) => {
    const { id, ...patch } = input;
    return updateMember(ctx, caller, id, patch);
  });
  registry.register('users.remove', (input, caller) => {
    removeMember(ctx, caller, input.id);
    return { ok: true };
  });
  registry.register('users.resetTotp', (input, caller) => resetTotp(ctx, caller, input.id));
  registry.register('users.setHubAdmin', (input, caller) => setHubAdmin(ctx, caller, input.id, input.hubAdmin));
  registry.register('roles.list', () => roles.map((role) => ({ role, permissions: [...rolePermissions[role]] })));
}
