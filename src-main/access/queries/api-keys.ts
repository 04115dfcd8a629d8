import type { Db } from '../../store/database';
import { one, all } from '../../store/rows';

interface ApiKeyRow {
  id: number;
  org_id: number;
  name: string;
  key_hash: Buffer;
  hint: string;
  created_at: number;
  revoked_at: number | null;
}

export interface ApiKey {
  id: number;
  orgId: number;
  name: string;
  keyHash: Buffer;
  hint: string;
  createdAt: number;
  revokedAt: number | null;
}

const toApiKey = (r: ApiKeyRow): ApiKey => ({
  id: r.id,
  orgId: r.org_id,
  name: r.name,
  keyHash: r.key_hash,
  hint: r.hint,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

export function insertApiKey(db: Db, k: { orgId: number; name: string; keyHash: Buffer; hint: string; now: number }): number {
  return Number(
    db.prepare('INSERT INTO api_keys (org_id, name, key_hash, hint, created_at) VALUES (?, ?, ?, ?, ?)').run(k.orgId, k.name, k.keyHash, k.hint, k.now).lastInsertRowid,
  );
}

export function apiKeyByHash(db: Db, hash: Buffer): ApiKey | undefined {
  return one(db, 'SELECT * FROM api_keys WHERE key_hash = ?', toApiKey, hash);
}

export function apiKeyById(db: Db, id: number): ApiKey | undefined {
  return one(db, 'SELECT * FROM api_keys WHERE id = ?', toApiKey, id);
}

export function apiKeyByName(db: Db, orgId: number, name: string): ApiKey | undefined {
  return one(db, 'SELECT * FROM api_keys WHERE org_id = ? AND name = ?', toApiKey, orgId, name);
}

export function apiKeysOfOrg(db: Db, orgId: number): ApiKey[] {
  return all(db, 'SELECT * FROM api_keys WHERE org_id = ? ORDER BY id', toApiKey, orgId);
}

export function revokeApiKey(db: Db, id: number, now: number): void {
  db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id);
}
