import type { AaaContext } from './context';
import { AaaError, notFound } from './errors';
import { deviceIdsOfGroup, setGroupDevices } from './queries/group-devices';
import { addGroupMember, memberIdsOfGroup, setGroupMembers } from './queries/group-members';
import { deleteGroup, groupById, groupByName, groupsOfOrg, insertGroup, type Group } from './queries/groups';
import { membership } from './queries/memberships';
import { deviceIdsOfOrg } from '../devices/org-devices';
import type { Actor } from './users';

export interface GroupView {
  id: number;
  name: string;
  deviceIds: number[];
  memberIds: number[];
}

const toView = (ctx: AaaContext, g: Group): GroupView => ({ id: g.id, name: g.name, deviceIds: deviceIdsOfGroup(ctx.db, g.id), memberIds: memberIdsOfGroup(ctx.db, g.id) });

function checkDevices(ctx: AaaContext, orgId: number, deviceIds: readonly number[]): void {
  const known = new Set(deviceIdsOfOrg(ctx.db, orgId));
  const unknown = deviceIds.filter((d) => !known.has(d));
  if (unknown.length) throw new AaaError('NOT_FOUND', `No device with id ${unknown.join(', ')} in this organisation.`, 'List devices to see their ids.', 404);
}

function checkMembers(ctx: AaaContext, orgId: number, userIds: readonly number[]): void {
  const unknown = userIds.filter((u) => !membership(ctx.db, u, orgId));
  if (unknown.length) throw new AaaError('NOT_FOUND', `No user with id ${unknown.join(', ')} in this organisation.`, 'List users to see their ids.', 404);
}

export function listGroups(ctx: AaaContext, orgId: number): GroupView[] {
  return groupsOfOrg(ctx.db, orgId).map((g) => toView(ctx, g));
}

export function createGroup(ctx: AaaContext, actor: Actor, orgId: number, input: { name: string; deviceIds: number[]; memberIds: number[] }): GroupView {
  if (groupByName(ctx.db, orgId, input.name)) throw new AaaError('ALREADY_EXISTS', `A group named "${input.name}" already exists.`, 'Choose another name, or update that group.', 409);
  checkDevices(ctx, orgId, input.deviceIds);
  checkMembers(ctx, orgId, input.memberIds);
  const id = ctx.db.transaction(() => {
    const groupId = insertGroup(ctx.db, orgId, input.name, ctx.now());
    setGroupDevices(ctx.db, groupId, input.deviceIds);
    setGroupMembers(ctx.db, groupId, input.memberIds);
    return groupId;
  })();
  ctx.audit({ actor: actor.subject, action: 'group.create', target: `group:${id}`, outcome: 'ok', address: actor.address, detail: { name: input.name, deviceIds: input.deviceIds, memberIds: input.memberIds } });
  return toView(ctx, groupById(ctx.db, orgId, id)!);
}

export function groupNamed(ctx: AaaContext, orgId: number, selector: { id?: number | undefined; name?: string | undefined }): Group {
  const group = selector.id !== undefined ? groupById(ctx.db, orgId, selector.id) : groupByName(ctx.db, orgId, selector.name ?? '');
  if (!group) throw notFound('That group', 'List groups to see which exist.');
  return group;
}

export function updateGroup(ctx: AaaContext, actor: Actor, orgId: number, groupId: number, patch: { deviceIds?: number[] | undefined; memberIds?: number[] | undefined }): GroupView {
  const group = groupNamed(ctx, orgId, { id: groupId });
  if (patch.deviceIds) checkDevices(ctx, orgId, patch.deviceIds);
  if (patch.memberIds) checkMembers(ctx, orgId, patch.memberIds);
  ctx.db.transaction(() => {
    if (patch.deviceIds) setGroupDevices(ctx.db, group.id, patch.deviceIds);
    if (patch.memberIds) setGroupMembers(ctx.db, group.id, patch.memberIds);
  })();
  ctx.audit({ actor: actor.subject, action: 'group.update', target: `group:${group.id}`, outcome: 'ok', address: actor.address, detail: patch });
  return toView(ctx, group);
}

export function addMemberToGroup(ctx: AaaContext, actor: Actor, orgId: number, groupId: number, userId: number): GroupView {
  const group = groupNamed(ctx, orgId, { id: groupId });
  checkMembers(ctx, orgId, [userId]);
  addGroupMember(ctx.db, group.id, userId);
  ctx.audit({ actor: actor.subject, action: 'group.member.add', target: `group:${group.id}`, outcome: 'ok', address: actor.address, detail: { userId } });
  return toView(ctx, group);
}

export function removeGroup(ctx: AaaContext, actor: Actor, orgId: number, groupId: number): void {
  const group = groupNamed(ctx, orgId, { id: groupId });
  deleteGroup(ctx.db, group.id);
  ctx.audit({ actor: actor.subject, action: 'group.remove', target: `group:${group.id}`, outcome: 'ok', address: actor.address });
}
