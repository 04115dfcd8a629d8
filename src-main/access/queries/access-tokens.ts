import type { Db } from '../../store/database';
import { one } from '../../store/rows';

interface AccessTokenRow {
  jti: string;
  api_key_id: number;
  created_at: number;
  last_used_at: number;
  revoked_at: number | null;
}

export interface AccessTokenRecord {
  jti: string;
  apiKeyId: number;
  createdAt: number;
  lastUsedAt: number;
  revokedAt: number | null;
}

const toRecord = (r: AccessTokenRow): AccessTokenRecord => ({
  jti: r.jti,
  apiKeyId: r.api_key_id,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export function insertAccessToken(db: Db, jti: string, apiKeyId: number, now: number): void {
  db.prepare('INSERT INTO access_tokens (jti, api_key_id, created_at, last_used_at) VALUES (?, ?, ?, ?)').run(jti, apiKeyId, now, now);
}

export function accessTokenByJti(db: Db, jti: string): AccessTokenRecord | undefined {
  return one(db, 'SELECT * FROM access_tokens WHERE jti = ?', toRecord, jti);
}

export function touchAccessToken(db: Db, jti: string, now: number): void {
  db.prepare('UPDATE access_tokens SET last_used_at = ? WHERE jti = ?').run(now, jti);
}

export function revokeAccessToken(db: Db, jti: string, now: number): boolean {
  return db.prepare('UPDATE access_tokens SET revoked_at = ? WHERE jti = ? AND revoked_at IS NULL').run(now, jti).changes > 0;
}

/** A removed key's tokens end with it, so the cascade is also a revocation. */
export function deleteIdleAccessTokens(db: Db, before: number): number {
  return db.prepare('DELETE FROM access_tokens WHERE last_used_at < ?').run(before).changes;
}
