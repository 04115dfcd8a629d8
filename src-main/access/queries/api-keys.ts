import type { Scope } from '../../../src-shared/permissions';
import type { Db } from '../../store/database';
import { one, all } from '../../store/rows';
import { fromJsonList, toJsonList } from '../../store/json-columns';
import { creatorId, toCreator, type Creator, type CreatorKind } from './creators';

interface ApiKeyRow {
  id: number;
  org_id: number;
  name: string;
  key_hash: Buffer;
  hint: string;
  scopes: string;
  device_ids: string | null;
  creator_kind: CreatorKind;
  creator_id: number | null;
  created_at: number;
  revoked_at: number | null;
}

export interface ApiKey {
  id: number;
  orgId: number;
  name: string;
  keyHash: Buffer;
  hint: string;
  scopes: Scope[];
  /** `null`: every device of the organisation. */
  deviceIds: number[] | null;
  creator: Creator;
  createdAt: number;
  revokedAt: number | null;
}

const toApiKey = (r: ApiKeyRow): ApiKey => ({
  id: r.id,
  orgId: r.org_id,
  name: r.name,
  keyHash: r.key_hash,
  hint: r.hint,
  scopes: fromJsonList<Scope>(r.scopes),
  deviceIds: r.device_ids === null ? null : fromJsonList<number>(r.device_ids),
  creator: toCreator(r.creator_kind, r.creator_id),
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

export function insertApiKey(db: Db, k: Omit<ApiKey, 'id' | 'revokedAt'>): number {
  return Number(
    db
      .prepare('INSERT INTO api_keys (org_id, name, key_hash, hint, scopes, device_ids, creator_kind, creator_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(k.orgId, k.name, k.keyHash, k.hint, toJsonList(k.scopes), k.deviceIds === null ? null : toJsonList(k.deviceIds), k.creator.kind, creatorId(k.creator), k.createdAt)
      .lastInsertRowid,
  );
}

export function apiKeyByHash(db: Db, hash: Buffer): ApiKey | undefined {
  return one(db, 'SELECT * FROM api_keys WHERE key_hash = ?', toApiKey, hash);
}

export function apiKeyById(db: Db, orgId: number, id: number): ApiKey | undefined {
  return one(db, 'SELECT * FROM api_keys WHERE org_id = ? AND id = ?', toApiKey, orgId, id);
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
