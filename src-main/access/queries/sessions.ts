import type { Db } from '../../store/database';
import { one } from '../../store/rows';

interface SessionRow {
  id: number;
  user_id: number;
  org_id: number;
  token_hash: Buffer;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface Session {
  id: number;
  userId: number;
  orgId: number;
  tokenHash: Buffer;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

const toSession = (r: SessionRow): Session => ({
  id: r.id,
  userId: r.user_id,
  orgId: r.org_id,
  tokenHash: r.token_hash,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

export function insertSession(db: Db, s: { userId: number; orgId: number; tokenHash: Buffer; now: number; expiresAt: number }): number {
  return Number(
    db
      .prepare('INSERT INTO sessions (user_id, org_id, token_hash, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(s.userId, s.orgId, s.tokenHash, s.now, s.now, s.expiresAt).lastInsertRowid,
  );
}

export function sessionByHash(db: Db, hash: Buffer): Session | undefined {
  return one(db, 'SELECT * FROM sessions WHERE token_hash = ?', toSession, hash);
}

export function touchSession(db: Db, id: number, now: number): void {
  db.prepare('UPDATE sessions SET last_used_at = ? WHERE id = ?').run(now, id);
}

export function revokeSession(db: Db, id: number, now: number): void {
  db.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id);
}

export function revokeSessionsOfUser(db: Db, userId: number, now: number): number {
  return db.prepare('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL').run(now, userId).changes;
}

/** A person's sessions, for their personal-data export (no token hashes). */
export function sessionsOfUser(db: Db, userId: number): { orgId: number; createdAt: number; lastUsedAt: number; expiresAt: number; revokedAt: number | null }[] {
  return db
    .prepare('SELECT org_id AS orgId, created_at AS createdAt, last_used_at AS lastUsedAt, expires_at AS expiresAt, revoked_at AS revokedAt FROM sessions WHERE user_id = ? ORDER BY id')
    .all(userId) as { orgId: number; createdAt: number; lastUsedAt: number; expiresAt: number; revokedAt: number | null }[];
}
