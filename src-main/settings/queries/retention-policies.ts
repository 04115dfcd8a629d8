import type { Db } from '../../store/database';

export interface RetentionPolicyRow {
  orgId: number;
  /** Days kept; null = forever. */
  rawDays: number | null;
  rollup1mDays: number | null;
  rollup1hDays: number | null;
}

interface Raw {
  org_id: number;
  raw_days: number | null;
  rollup_1m_days: number | null;
  rollup_1h_days: number | null;
}

/** Defaults for an organisation without a row (issue 13): raw 90 days, 1-minute rollups a year, hourly forever. */
export const defaultRetention = { rawDays: 90, rollup1mDays: 365, rollup1hDays: null } as const;

const toRow = (r: Raw): RetentionPolicyRow => ({ orgId: r.org_id, rawDays: r.raw_days, rollup1mDays: r.rollup_1m_days, rollup1hDays: r.rollup_1h_days });

export function retentionPolicy(db: Db, orgId: number): RetentionPolicyRow {
  const r = db.prepare('SELECT org_id, raw_days, rollup_1m_days, rollup_1h_days FROM retention_policies WHERE org_id = ?').get(orgId) as Raw | undefined;
  return r ? toRow(r) : { orgId, ...defaultRetention };
}

/** Every organisation's policy, defaults filled in. */
export function allRetentionPolicies(db: Db): RetentionPolicyRow[] {
  const ids = db.prepare('SELECT id FROM organisations ORDER BY id').pluck().all() as number[];
  return ids.map((id) => retentionPolicy(db, id));
}

export function saveRetentionPolicy(db: Db, p: RetentionPolicyRow, now: number): void {
  db.prepare(
    `INSERT INTO retention_policies (org_id, raw_days, rollup_1m_days, rollup_1h_days, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (org_id) DO UPDATE SET raw_days = excluded.raw_days, rollup_1m_days = excluded.rollup_1m_days, rollup_1h_days = excluded.rollup_1h_days, updated_at = excluded.updated_at`,
  ).run(p.orgId, p.rawDays, p.rollup1mDays, p.rollup1hDays, now);
}
