import type { ApiContract } from '../../src-shared/api/contract';
import type { Reading } from '../../src-shared/reading';
import type { AccessContext } from '../access/context';
import { visibleDeviceIds, visibleDevices } from '../access/device-access';
import { AccessError, notFound } from '../access/errors';
import { devicesWithin, rightsOf } from '../access/rights';
import type { Caller, HandlerRegistry } from '../console/registry';
import { lastReadings, readingsInRange } from '../history/queries/readings';
import { addDevice, addIngestToken, removeDevice, requireFreeTokenName, revokeDevice, rotateDeviceToken } from './lifecycle';
import { findDeviceById, listDevices, updateDevice, type Device } from './queries/devices';
import { listDeviceTokens } from './queries/device-tokens';
import { listIngestTokens, revokeIngestToken, type IngestToken } from './queries/ingest-tokens';
import { listVariables } from './queries/variables';
import type { ReaderClient } from '../history/reader-client';

const toEvent = (r: Reading) => ({ variable: r.variable, ts: r.ts, value: r.value, context: r.context });
const deviceRef = (d: { id: number; label: string; name: string }) => ({ id: d.id, label: d.label, name: d.name });
const deviceView = (d: Device) => ({ id: d.id, label: d.label, name: d.name, type: d.type, createdAt: d.createdAt, lastSeenAt: d.lastSeenAt });
const tokenView = (t: IngestToken) => ({ id: t.id, name: t.name, hint: t.hint, deviceLabels: t.deviceLabels, canCreateDevices: t.canCreateDevices, createdAt: t.createdAt, revoked: t.revokedAt !== null });

/**
 * A credential that writes for every device, or may create devices, can be
 * handed out only by someone who reaches every device: nobody makes a token
 * that goes further than they do.
 */
function requireAllDevices(ctx: AccessContext, caller: Caller, what: string): void {
  if (!devicesWithin(rightsOf(ctx.db, caller.principal), null)) {
    throw new AccessError('FORBIDDEN', `You reach only some devices, so you cannot ${what}.`, 'Ask an admin who sees every device.', 403);
  }
}

/** The device a `devices: 'one'` method names; the registry has already checked the caller may use it. */
function deviceOf(ctx: AccessContext, caller: Caller, deviceId: number): Device {
  const device = findDeviceById(ctx.db, caller.orgId, deviceId);
  if (!device) throw notFound('That device');
  return device;
}

/**
 * Devices from the console, the API and the CLI. The registry has checked the
 * permission and, for one device, that the caller may use it; lists show only
 * what the caller may see. Readings are read on the reader thread
 * (history/reader-client.ts) when the hub runs one, so a long chart query never
 * holds up acknowledgements; the CLI reads on its own connection.
 */
export function registerDeviceHandlers(registry: HandlerRegistry<ApiContract>, ctx: AccessContext, reader?: ReaderClient): void {
  registry.register('devices.list', (_input, caller) => visibleDevices(ctx.db, caller.principal).map(deviceView));
  registry.register('devices.get', (input, caller) => ({
    ...deviceView(deviceOf(ctx, caller, input.deviceId)),
    variables: listVariables(ctx.db, input.deviceId).map((v) => ({ id: v.id, label: v.label, unit: v.unit })),
  }));
  registry.register('devices.events', async (input) => {
    const last = { deviceId: input.deviceId, count: input.count, ...(input.variable ? { variable: input.variable } : {}) };
    return (reader ? await reader.query('readings.last', last) : lastReadings(ctx.db, last.deviceId, last.count, last.variable)).map(toEvent);
  });
  registry.register('readings.range', async (input) => {
    const range = { deviceId: input.deviceId, variable: input.variable, from: input.from, to: input.to, limit: input.limit };
    return (reader ? await reader.query('readings.range', range) : readingsInRange(ctx.db, range.deviceId, range.variable, range.from, range.to, range.limit)).map(toEvent);
  });
  registry.register('devices.latest', (_input, caller) =>
    visibleDeviceIds(ctx.db, caller.principal).map((deviceId) => ({
      deviceId,
      variables: listVariables(ctx.db, deviceId).flatMap((v) => (v.last ? [{ label: v.label, value: v.last.value, ts: v.last.ts }] : [])),
    })),
  );

  registry.register('devices.create', (input, caller) => {
    // The answer holds the new device's token: only someone reaching every device may mint one for a device nobody was given.
    requireAllDevices(ctx, caller, 'create devices');
    const { device, token } = addDevice(ctx.db, { orgId: caller.orgId, label: input.label, ...(input.name ? { name: input.name } : {}), ...(input.type ? { type: input.type } : {}) }, ctx.now());
    caller.audit.target({ kind: 'device', id: device.id, label: device.label });
    return { device: deviceRef(device), token };
  });
  registry.register('devices.update', (input, caller) => {
    const before = deviceOf(ctx, caller, input.deviceId);
    const type = input.type === undefined ? undefined : input.type || null;
    updateDevice(ctx.db, before.id, { name: input.name, type });
    caller.audit.target({ kind: 'device', id: before.id, label: before.label });
    caller.audit.detail({ ...(input.name !== undefined ? { name: input.name } : {}), ...(type !== undefined ? { type } : {}) });
    const after = deviceOf(ctx, caller, input.deviceId);
    return { ...deviceRef(after), type: after.type };
  });
  registry.register('devices.tokens', (input) => listDeviceTokens(ctx.db, input.deviceId).map((t) => ({ id: t.id, hint: t.hint, createdAt: t.createdAt, revoked: t.revokedAt !== null })));
  registry.register('devices.rotateToken', (input, caller) => {
    const { device, token } = rotateDeviceToken(ctx.db, caller.orgId, deviceOf(ctx, caller, input.deviceId).label, ctx.now());
    return { device: deviceRef(device), token };
  });
  registry.register('devices.revokeTokens', (input, caller) => {
    const { revoked } = revokeDevice(ctx.db, caller.orgId, deviceOf(ctx, caller, input.deviceId).label, ctx.now());
    caller.audit.detail({ revoked });
    return { revoked };
  });
  registry.register('devices.remove', (input, caller) => {
    removeDevice(ctx.db, caller.orgId, deviceOf(ctx, caller, input.deviceId).label);
    return { ok: true };
  });

  registry.register('ingestTokens.list', (_input, caller) => listIngestTokens(ctx.db, caller.orgId).map(tokenView));
  registry.register('ingestTokens.create', (input, caller) => {
    if (input.deviceLabels === null) requireAllDevices(ctx, caller, 'make a token for every device');
    if (input.canCreateDevices) requireAllDevices(ctx, caller, 'make a token that creates devices');
    if (input.deviceLabels !== null) {
      const reachable = new Set(visibleDevices(ctx.db, caller.principal).map((d) => d.label));
      const known = new Set(listDevices(ctx.db, caller.orgId).map((d) => d.label));
      // A label of no device yet is for a device to come: only someone reaching every device may name it.
      const beyond = input.deviceLabels.filter((l) => !reachable.has(l) && (known.has(l) || !devicesWithin(rightsOf(ctx.db, caller.principal), null)));
      if (beyond.length) throw new AccessError('FORBIDDEN', `You cannot make a token for ${beyond.join(', ')}: you do not reach those devices.`, 'Name only devices you can see.', 403);
    }
    requireFreeTokenName(ctx.db, caller.orgId, input.name);
    const { token, id } = addIngestToken(ctx.db, { orgId: caller.orgId, name: input.name, deviceLabels: input.deviceLabels, canCreateDevices: input.canCreateDevices }, ctx.now());
    caller.audit.target({ kind: 'ingest-token', id, label: input.name });
    caller.audit.detail({ deviceLabels: input.deviceLabels, canCreateDevices: input.canCreateDevices });
    return { ingestToken: tokenView(listIngestTokens(ctx.db, caller.orgId).find((t) => t.id === id)!), token };
  });
  registry.register('ingestTokens.revoke', (input, caller) => {
    const live = listIngestTokens(ctx.db, caller.orgId).find((t) => t.name === input.name && t.revokedAt === null);
    if (!live) throw new AccessError('NOT_FOUND', `There is no live ingest token named "${input.name}".`, 'List tokens with `outpost token list`.', 404);
    caller.audit.target({ kind: 'ingest-token', id: live.id, label: live.name });
    revokeIngestToken(ctx.db, caller.orgId, input.name, ctx.now());
    return { ok: true };
  });
}
