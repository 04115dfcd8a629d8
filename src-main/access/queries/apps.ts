import type { Db } from '../../store/database';
import { one, all } from '../../store/rows';
import { fromJsonList, toJsonList } from '../../store/json-columns';
import { creatorId, toCreator, type Creator, type CreatorKind } from './creators';

interface AppRow {
  id: number;
  org_id: number;
  name: string;
  token_hash: Buffer;
  hint: string;
  scopes: string;
  device_ids: string | null;
  allow_ips: string;
  allow_origins: string;
  server_only: number;
  expires_at: number | null;
  created_by: number | null;
  creator_kind: CreatorKind;
  creator_id: number | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  mqtt_subscribe: string;
  mqtt_publish: string;
}

export interface App {
  id: number;
  orgId: number;
  name: string;
  tokenHash: Buffer;
  hint: string;
  scopes: string[];
  /** `null`: every device of the organisation. */
  deviceIds: number[] | null;
  allowIps: string[];
  allowOrigins: string[];
  serverOnly: boolean;
  expiresAt: number | null;
  /** Who made it: its rights are cut to theirs at every use (access/delegation.ts). */
  creator: Creator;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  /** MQTT topic patterns (docs/INTEGRATIONS.md); both empty: no MQTT access. */
  mqttSubscribe: string[];
  mqttPublish: string[];
}

const toApp = (r: AppRow): App => ({
  id: r.id,
  orgId: r.org_id,
  name: r.name,
  tokenHash: r.token_hash,
  hint: r.hint,
  scopes: fromJsonList(r.scopes),
  deviceIds: r.device_ids === null ? null : fromJsonList<number>(r.device_ids),
  allowIps: fromJsonList(r.allow_ips),
  allowOrigins: fromJsonList(r.allow_origins),
  serverOnly: r.server_only === 1,
  expiresAt: r.expires_at,
  creator: toCreator(r.creator_kind, r.creator_id),
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
  mqttSubscribe: fromJsonList(r.mqtt_subscribe),
  mqttPublish: fromJsonList(r.mqtt_publish),
});

export type NewApp = Omit<App, 'id' | 'lastUsedAt' | 'revokedAt'>;

export function insertApp(db: Db, a: NewApp): number {
  return Number(
    db
      .prepare(
        `INSERT INTO apps (org_id, name, token_hash, hint, scopes, device_ids, allow_ips, allow_origins, server_only, expires_at, created_by, creator_kind, creator_id, created_at, mqtt_subscribe, mqtt_publish)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        a.orgId,
        a.name,
        a.tokenHash,
        a.hint,
        toJsonList(a.scopes),
        a.deviceIds === null ? null : toJsonList(a.deviceIds),
        toJsonList(a.allowIps),
        toJsonList(a.allowOrigins),
        a.serverOnly ? 1 : 0,
        a.expiresAt,
        a.creator.kind === 'user' ? a.creator.id : null,
        a.creator.kind,
        creatorId(a.creator),
        a.createdAt,
        toJsonList(a.mqttSubscribe),
        toJsonList(a.mqttPublish),
      ).lastInsertRowid,
  );
}

export function appByHash(db: Db, hash: Buffer): App | undefined {
  return one(db, 'SELECT * FROM apps WHERE token_hash = ?', toApp, hash);
}

export function appById(db: Db, orgId: number, id: number): App | undefined {
  return one(db, 'SELECT * FROM apps WHERE org_id = ? AND id = ?', toApp, orgId, id);
}

export function appByName(db: Db, orgId: number, name: string): App | undefined {
  return one(db, 'SELECT * FROM apps WHERE org_id = ? AND name = ?', toApp, orgId, name);
}

export function appsOfOrg(db: Db, orgId: number): App[] {
  return all(db, 'SELECT * FROM apps WHERE org_id = ? ORDER BY id', toApp, orgId);
}

/** Every origin some app or user allows: answers CORS preflights, which carry no credential. */
export function allAllowedOrigins(db: Db): string[] {
  const lists = db
    .prepare("SELECT allow_origins FROM apps WHERE revoked_at IS NULL UNION SELECT allow_origins FROM users WHERE disabled_at IS NULL")
    .pluck()
    .all() as string[];
  return [...new Set(lists.flatMap((l) => fromJsonList<string>(l)))];
}

export function touchApp(db: Db, id: number, now: number): void {
  db.prepare('UPDATE apps SET last_used_at = ? WHERE id = ?').run(now, id);
}

export function revokeApp(db: Db, id: number, now: number): void {
  db.prepare('UPDATE apps SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id);
}
