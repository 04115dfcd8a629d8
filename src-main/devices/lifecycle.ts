import { normalizeLabel } from '../../src-shared/reading';
import { ServiceError as ApiFailure } from '../errors';
import type { Db } from '../store/database';
import { deleteDevice, findDeviceByLabel, insertDevice, listDevices, type Device } from './queries/devices';
import { insertDeviceToken, revokeDeviceTokens } from './queries/device-tokens';
import { insertIngestToken, listIngestTokens, revokeIngestToken } from './queries/ingest-tokens';
import { issueToken } from '../security/tokens';

export const defaultOrgId = 1;

export function requireLabel(raw: string): string {
  const label = normalizeLabel(raw);
  if (!label) throw new ApiFailure('INVALID_LABEL', `"${raw}" is not a valid label: use 1-64 letters, digits, "-", "_", "." or ":".`);
  return label;
}

function requireDevice(db: Db, orgId: number, label: string): Device {
  const device = findDeviceByLabel(db, orgId, label);
  if (!device) throw new ApiFailure('UNKNOWN_DEVICE', `There is no device "${label}".`, 404);
  return device;
}

/** Creates a device and its first token. The token is returned once and never stored in clear. */
export function addDevice(db: Db, input: { orgId?: number; label: string; name?: string; type?: string }, now = Date.now()): { device: Device; token: string } {
  const orgId = input.orgId ?? defaultOrgId;
  const label = requireLabel(input.label);
  return db.transaction(() => {
    if (findDeviceByLabel(db, orgId, label)) throw new ApiFailure('DEVICE_EXISTS', `A device "${label}" already exists.`, 409);
    const device = insertDevice(db, { orgId, label, name: input.name ?? label, type: input.type ?? null, now });
    const issued = issueToken('device');
    insertDeviceToken(db, { deviceId: device.id, hash: issued.hash, hint: issued.hint, now });
    return { device, token: issued.token };
  }).immediate();
}

/** Revokes every token of a device and issues a new one; live sessions on the old token are dropped by the hub. */
export function rotateDeviceToken(db: Db, orgId: number, rawLabel: string, now = Date.now()): { device: Device; token: string } {
  return db.transaction(() => {
    const device = requireDevice(db, orgId, requireLabel(rawLabel));
    revokeDeviceTokens(db, device.id, now);
    const issued = issueToken('device');
    insertDeviceToken(db, { deviceId: device.id, hash: issued.hash, hint: issued.hint, now });
    return { device, token: issued.token };
  }).immediate();
}

export function revokeDevice(db: Db, orgId: number, rawLabel: string, now = Date.now()): { device: Device; revoked: number } {
  return db.transaction(() => {
    const device = requireDevice(db, orgId, requireLabel(rawLabel));
    return { device, revoked: revokeDeviceTokens(db, device.id, now) };
  }).immediate();
}

export function removeDevice(db: Db, orgId: number, rawLabel: string): Device {
  const device = requireDevice(db, orgId, requireLabel(rawLabel));
  deleteDevice(db, device.id);
  return device;
}

/** Ingest tokens live per name: a second live token with the same name would be ambiguous to revoke. */
export function requireFreeTokenName(db: Db, orgId: number, name: string): void {
  if (listIngestTokens(db, orgId).some((t) => t.name === name && t.revokedAt === null)) {
    throw new ApiFailure('TOKEN_EXISTS', `A live ingest token named "${name}" already exists; revoke it first or choose another name.`, 409);
  }
}

export { listDevices };

export function addIngestToken(
  db: Db,
  input: { orgId?: number; name: string; deviceLabels: string[] | null; canCreateDevices: boolean },
  now = Date.now(),
): { token: string; id: number } {
  const issued = issueToken('orgIngest');
  const id = insertIngestToken(db, {
    orgId: input.orgId ?? defaultOrgId,
    name: input.name,
    hash: issued.hash,
    hint: issued.hint,
    deviceLabels: input.deviceLabels?.map(requireLabel) ?? null,
    canCreateDevices: input.canCreateDevices,
    now,
  });
  return { token: issued.token, id };
}

export function revokeIngestTokenByName(db: Db, orgId: number, name: string, now = Date.now()): boolean {
  return revokeIngestToken(db, orgId, name, now);
}
