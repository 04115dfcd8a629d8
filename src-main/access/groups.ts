import type { Caller } from '../console/registry';
import { listDevices } from '../devices/queries/devices';
import type { AccessContext } from './context';
import { devicesWithin, rightsOf } from './rights';
import { AccessError, notFound } from './errors';
import { deviceIdsOfGroup, setGroupDevices } from './queries/group-devices';
import { memberIdsOfGroup, setGroupMembers } from './queries/group-members';
import { deleteGroup, groupById, groupByName, groupsOfOrg, insertGroup, type Group } from './queries/groups';
import { membership } from './queries/memberships';

export interface GroupView {
  id: number;
  name: string;
  deviceIds: number[];
  memberIds: number[];
}

const toView = (ctx: AccessContext, g: Group): GroupView => ({ id: g.id, name: g.name, deviceIds: deviceIdsOfGroup(ctx.db, g.id), memberIds: memberIdsOfGroup(ctx.db, g.id) });

/**
 * A group hands its devices to its members, so whoever changes a group must
 * reach every device it holds or is given: nobody grants sight of a device
 * they cannot see themselves.
 */
function checkDevices(ctx: AccessContext, caller: Caller, deviceIds: readonly number[]): void {
  const known = new Set(listDevices(ctx.db, caller.orgId).map((d) => d.id));
  const unknown = deviceIds.filter((d) => !known.has(d));
  if (unknown.length) throw new AccessError('NOT_FOUND', `No device with id ${unknown.join(', ')} in this organisation.`, 'List devices to see their ids.', 404);
  if (!devicesWithin(rightsOf(ctx.db, caller.principal), deviceIds)) {
    throw new AccessError('FORBIDDEN', 'You cannot give a group devices you cannot reach yourself.', 'Ask an admin who sees those devices.', 403);
  }
}

function checkMembers(ctx: AccessContext, orgId: number, userIds: readonly number[]): void {
  const unknown = userIds.filter((u) => !membership(ctx.db, u, orgId));
  if (unknown.length) throw new AccessError('NOT_FOUND', `No user with id ${unknown.join(', ')} in this organisation.`, 'List users to see their ids.', 404);
}

export function listGroups(ctx: AccessContext, orgId: number): GroupView[] {
  return groupsOfOrg(ctx.db, orgId).map((g) => toView(ctx, g));
}

export function groupNamed(ctx: AccessContext, orgId: number, selector: { id?: number | undefined; name?: string | undefined }): Group {
  const group = selector.id !== undefined ? groupById(ctx.db, orgId, selector.id) : groupByName(ctx.db, orgId, selector.name ?? '');
  if (!group) throw notFound('That group', 'List groups to see which exist.');
  return group;
}

export function createGroup(ctx: AccessContext, caller: Caller, input: { name: string; deviceIds: number[]; memberIds: number[] }): GroupView {
  const orgId = caller.orgId;
  if (groupByName(ctx.db, orgId, input.name)) throw new AccessError('ALREADY_EXISTS', `A group named "${input.name}" already exists.`, 'Choose another name, or update that group.', 409);
  checkDevices(ctx, caller, input.deviceIds);
  checkMembers(ctx, orgId, input.memberIds);
  const id = ctx.db.transaction(() => {
    const groupId = insertGroup(ctx.db, orgId, input.name, ctx.now());
    setGroupDevices(ctx.db, groupId, input.deviceIds);
    setGroupMembers(ctx.db, groupId, input.memberIds);
    return groupId;
  }).immediate();
  caller.audit.target({ kind: 'group', id, label: input.name });
  caller.audit.detail({ deviceIds: input.deviceIds, memberIds: input.memberIds });
  return toView(ctx, groupById(ctx.db, orgId, id)!);
}

export function updateGroup(ctx: AccessContext, caller: Caller, groupId: number, patch: { deviceIds?: number[] | undefined; memberIds?: number[] | undefined }): GroupView {
  const group = groupNamed(ctx, caller.orgId, { id: groupId });
  caller.audit.target({ kind: 'group', id: group.id, label: group.name });
  checkDevices(ctx, caller, [...deviceIdsOfGroup(ctx.db, group.id), ...(patch.deviceIds ?? [])]);
  if (patch.memberIds) checkMembers(ctx, caller.orgId, patch.memberIds);
  ctx.db.transaction(() => {
    if (patch.deviceIds) setGroupDevices(ctx.db, group.id, patch.deviceIds);
    if (patch.memberIds) setGroupMembers(ctx.db, group.id, patch.memberIds);
  }).immediate();
  caller.audit.detail(patch);
  return toView(ctx, group);
}

export function removeGroup(ctx: AccessContext, caller: Caller, groupId: number): void {
  const group = groupNamed(ctx, caller.orgId, { id: groupId });
  caller.audit.target({ kind: 'group', id: group.id, label: group.name });
  checkDevices(ctx, caller, deviceIdsOfGroup(ctx.db, group.id));
  deleteGroup(ctx.db, group.id);
}
