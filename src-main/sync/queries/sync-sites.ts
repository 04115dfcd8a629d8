import type { Db } from '../../store/database';

interface SyncSiteRow {
  id: number;
  org_id: number;
  site_id: string;
  hint: string;
  created_at: number;
  revoked_at: number | null;
}

export interface SyncSite {
  id: number;
  orgId: number;
  siteId: string;
  hint: string;
  createdAt: number;
  revokedAt: number | null;
}

const toSite = (r: SyncSiteRow): SyncSite => ({ id: r.id, orgId: r.org_id, siteId: r.site_id, hint: r.hint, createdAt: r.created_at, revokedAt: r.revoked_at });
const columns = 'id, org_id, site_id, hint, created_at, revoked_at';

export function insertSite(db: Db, s: { orgId: number; siteId: string; hash: Buffer; hint: string; now: number }): number {
  return Number(
    db.prepare('INSERT INTO sync_sites (org_id, site_id, token_hash, hint, created_at) VALUES (?, ?, ?, ?, ?)').run(s.orgId, s.siteId, s.hash, s.hint, s.now).lastInsertRowid,
  );
}

export function findSiteById(db: Db, siteId: string): SyncSite | null {
  const row = db.prepare(`SELECT ${columns} FROM sync_sites WHERE site_id = ?`).get(siteId) as SyncSiteRow | undefined;
  return row ? toSite(row) : null;
}

export function findLiveSiteByHash(db: Db, hash: Buffer): SyncSite | null {
  const row = db.prepare(`SELECT ${columns} FROM sync_sites WHERE token_hash = ? AND revoked_at IS NULL`).get(hash) as SyncSiteRow | undefined;
  return row ? toSite(row) : null;
}

export function isSiteLive(db: Db, ref: number): boolean {
  return db.prepare('SELECT 1 FROM sync_sites WHERE id = ? AND revoked_at IS NULL').get(ref) !== undefined;
}

export function listSites(db: Db, orgId: number): SyncSite[] {
  return (db.prepare(`SELECT ${columns} FROM sync_sites WHERE org_id = ? ORDER BY site_id`).all(orgId) as SyncSiteRow[]).map(toSite);
}

export function revokeSite(db: Db, orgId: number, siteId: string, now: number): boolean {
  return db.prepare('UPDATE sync_sites SET revoked_at = ? WHERE org_id = ? AND site_id = ? AND revoked_at IS NULL').run(now, orgId, siteId).changes > 0;
}
