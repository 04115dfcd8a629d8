import { z } from 'zod';
import type { Db } from '../../store/database';
import { cachedStatement } from '../../store/statement-cache';

interface IngestTokenRow {
  id: number;
  org_id: number;
  name: string;
  hint: string;
  device_labels: string | null;
  can_create_devices: number;
  created_at: number;
  revoked_at: number | null;
}

export interface IngestToken {
  id: number;
  orgId: number;
  name: string;
  hint: string;
  /** null: every device of the organisation. */
  deviceLabels: string[] | null;
  canCreateDevices: boolean;
  createdAt: number;
  revokedAt: number | null;
}

const labelsSchema = z.array(z.string()).nullable();

const toIngestToken = (r: IngestTokenRow): IngestToken => ({
  id: r.id,
  orgId: r.org_id,
  name: r.name,
  hint: r.hint,
  deviceLabels: labelsSchema.parse(r.device_labels === null ? null : JSON.parse(r.device_labels)),
  canCreateDevices: r.can_create_devices === 1,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

const columns = 'id, org_id, name, hint, device_labels, can_create_devices, created_at, revoked_at';

export function insertIngestToken(
  db: Db,
  t: { orgId: number; name: string; hash: Buffer; hint: string; deviceLabels: string[] | null; canCreateDevices: boolean; now: number },
): number {
  return Number(
    db
      .prepare('INSERT INTO ingest_tokens (org_id, name, token_hash, hint, device_labels, can_create_devices, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(t.orgId, t.name, t.hash, t.hint, t.deviceLabels ? JSON.stringify(t.deviceLabels) : null, t.canCreateDevices ? 1 : 0, t.now).lastInsertRowid,
  );
}

export function findLiveIngestToken(db: Db, hash: Buffer): IngestToken | null {
  const row = cachedStatement(db, `SELECT ${columns} FROM ingest_tokens WHERE token_hash = ? AND revoked_at IS NULL`).get(hash) as IngestTokenRow | undefined;
  return row ? toIngestToken(row) : null;
}

export function isIngestTokenLive(db: Db, id: number): boolean {
  return db.prepare('SELECT 1 FROM ingest_tokens WHERE id = ? AND revoked_at IS NULL').get(id) !== undefined;
}

export function listIngestTokens(db: Db, orgId: number): IngestToken[] {
  return (db.prepare(`SELECT ${columns} FROM ingest_tokens WHERE org_id = ? ORDER BY name`).all(orgId) as IngestTokenRow[]).map(toIngestToken);
}

export function revokeIngestToken(db: Db, orgId: number, name: string, now: number): boolean {
  return db.prepare('UPDATE ingest_tokens SET revoked_at = ? WHERE org_id = ? AND name = ? AND revoked_at IS NULL').run(now, orgId, name).changes > 0;
}
