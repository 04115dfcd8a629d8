import type { Db } from '../../store/database';
import { cachedStatement } from '../../store/statement-cache';

export interface DeviceTokenRow {
  id: number;
  device_id: number;
  hint: string;
  created_at: number;
  revoked_at: number | null;
}

export interface DeviceToken {
  id: number;
  deviceId: number;
  hint: string;
  createdAt: number;
  revokedAt: number | null;
}

const toDeviceToken = (r: DeviceTokenRow): DeviceToken => ({ id: r.id, deviceId: r.device_id, hint: r.hint, createdAt: r.created_at, revokedAt: r.revoked_at });

export function insertDeviceToken(db: Db, t: { deviceId: number; hash: Buffer; hint: string; now: number }): number {
  return Number(db.prepare('INSERT INTO device_tokens (device_id, token_hash, hint, created_at) VALUES (?, ?, ?, ?)').run(t.deviceId, t.hash, t.hint, t.now).lastInsertRowid);
}

/** The live (unrevoked) token with this hash, if any. */
export function findLiveDeviceToken(db: Db, hash: Buffer): DeviceToken | null {
  const row = cachedStatement(db, 'SELECT id, device_id, hint, created_at, revoked_at FROM device_tokens WHERE token_hash = ? AND revoked_at IS NULL').get(hash) as
    | DeviceTokenRow
    | undefined;
  return row ? toDeviceToken(row) : null;
}

export function listDeviceTokens(db: Db, deviceId: number): DeviceToken[] {
  return (db.prepare('SELECT id, device_id, hint, created_at, revoked_at FROM device_tokens WHERE device_id = ? ORDER BY id').all(deviceId) as DeviceTokenRow[]).map(toDeviceToken);
}

export function revokeDeviceTokens(db: Db, deviceId: number, now: number): number {
  return db.prepare('UPDATE device_tokens SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL').run(now, deviceId).changes;
}

/** Ids of tokens revoked after `since`: the running hub drops their sessions. */
export function tokensRevokedSince(db: Db, since: number): { id: number; deviceId: number }[] {
  return (db.prepare('SELECT id, device_id FROM device_tokens WHERE revoked_at >= ?').all(since) as { id: number; device_id: number }[]).map((r) => ({ id: r.id, deviceId: r.device_id }));
}

export function isDeviceTokenLive(db: Db, id: number): boolean {
  return db.prepare('SELECT 1 FROM device_tokens t JOIN devices d ON d.id = t.device_id WHERE t.id = ? AND t.revoked_at IS NULL AND d.disabled_at IS NULL').get(id) !== undefined;
}
