import type { Db } from '../store/database';
import { deviceByTrustedId } from '../devices/queries/devices';
import { findLiveDeviceToken, isDeviceTokenLive } from '../devices/queries/device-tokens';
import { findLiveIngestToken, isIngestTokenLive } from '../devices/queries/ingest-tokens';
import { parseToken } from '../security/tokens';
import type { Principal } from './principal';

export type CredentialResult = { ok: true; principal: Principal } | { ok: false; reason: 'bad_token' | 'not_authorized'; message: string };

/**
 * A device token or an organisation ingest token, looked up by hash on every
 * use, so a revocation written by the CLI counts at once.
 */
export function resolveIngestToken(db: Db, token: unknown): CredentialResult {
  const parsed = parseToken(token, ['device', 'orgIngest']);
  if (!parsed) return { ok: false, reason: 'bad_token', message: 'the token is not a valid Outpost device or ingest token' };
  if (parsed.kind === 'device') {
    const t = findLiveDeviceToken(db, parsed.hash);
    const device = t ? deviceByTrustedId(db, t.deviceId) : null;
    if (!t || !device) return { ok: false, reason: 'bad_token', message: 'the token is unknown or revoked' };
    if (device.disabledAt !== null) return { ok: false, reason: 'not_authorized', message: `device "${device.label}" is disabled` };
    return { ok: true, principal: { kind: 'device', tokenId: t.id, deviceId: device.id, orgId: device.orgId, label: device.label } };
  }
  const t = findLiveIngestToken(db, parsed.hash);
  if (!t) return { ok: false, reason: 'bad_token', message: 'the token is unknown or revoked' };
  return { ok: true, principal: { kind: 'ingest', tokenId: t.id, orgId: t.orgId, deviceLabels: t.deviceLabels, canCreateDevices: t.canCreateDevices } };
}

/** Is a principal's credential still valid? (Sessions recheck this when the database changes.) */
export function principalStillValid(db: Db, principal: Principal): boolean {
  if (principal.kind === 'device') return isDeviceTokenLive(db, principal.tokenId);
  if (principal.kind === 'ingest') return isIngestTokenLive(db, principal.tokenId);
  return true;
}
