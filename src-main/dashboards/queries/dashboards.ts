import type { Db } from '../../store/database';
import { dashboardSpecSchema, type DashboardSpec } from '../../../src-shared/api/areas/dashboards';

interface DashboardRow {
  id: number;
  org_id: number;
  name: string;
  spec: string;
  revision: number;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export interface StoredDashboard {
  id: number;
  orgId: number;
  name: string;
  spec: DashboardSpec;
  revision: number;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

/** The stored JSON is checked on the way out too: a row edited by hand must not reach the console malformed. */
function toDashboard(r: DashboardRow): StoredDashboard {
  const parsed = dashboardSpecSchema.safeParse(JSON.parse(r.spec));
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    spec: parsed.success ? parsed.data : { range: { preset: '24h' }, widgets: [] },
    revision: r.revision,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const columns = 'id, org_id, name, spec, revision, created_by, created_at, updated_at';

export function listDashboards(db: Db, orgId: number): StoredDashboard[] {
  return (db.prepare(`SELECT ${columns} FROM dashboards WHERE org_id = ? ORDER BY name COLLATE NOCASE, id`).all(orgId) as DashboardRow[]).map(toDashboard);
}

export function findDashboard(db: Db, orgId: number, id: number): StoredDashboard | null {
  const row = db.prepare(`SELECT ${columns} FROM dashboards WHERE org_id = ? AND id = ?`).get(orgId, id) as DashboardRow | undefined;
  return row ? toDashboard(row) : null;
}

export function findDashboardByName(db: Db, orgId: number, name: string): StoredDashboard | null {
  const row = db.prepare(`SELECT ${columns} FROM dashboards WHERE org_id = ? AND name = ?`).get(orgId, name) as DashboardRow | undefined;
  return row ? toDashboard(row) : null;
}

export function insertDashboard(db: Db, d: { orgId: number; name: string; spec: DashboardSpec; createdBy: string; now: number }): number {
  return Number(
    db
      .prepare('INSERT INTO dashboards (org_id, name, spec, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(d.orgId, d.name, JSON.stringify(d.spec), d.createdBy, d.now, d.now).lastInsertRowid,
  );
}

/** Writes only if the stored revision is still `revision`; returns false when someone else saved first. */
export function updateDashboard(db: Db, d: { orgId: number; id: number; revision: number; name: string; spec: DashboardSpec; now: number }): boolean {
  return (
    db
      .prepare('UPDATE dashboards SET name = ?, spec = ?, revision = revision + 1, updated_at = ? WHERE org_id = ? AND id = ? AND revision = ?')
      .run(d.name, JSON.stringify(d.spec), d.now, d.orgId, d.id, d.revision).changes === 1
  );
}

export function deleteDashboard(db: Db, orgId: number, id: number): boolean {
  return db.prepare('DELETE FROM dashboards WHERE org_id = ? AND id = ?').run(orgId, id).changes === 1;
}
