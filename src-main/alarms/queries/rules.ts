import { ruleSpecSchema, type RuleSpec } from '../../../src-shared/alarm-rule';
import type { Db } from '../../store/database';

interface RuleRow {
  id: number;
  org_id: number;
  name: string;
  enabled: number;
  spec: string;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export interface StoredRule {
  id: number;
  orgId: number;
  name: string;
  enabled: boolean;
  /** Null when the stored JSON no longer parses (edited by hand): such a rule is never evaluated. */
  spec: RuleSpec | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

function toRule(r: RuleRow): StoredRule {
  const parsed = ruleSpecSchema.safeParse(JSON.parse(r.spec));
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    enabled: r.enabled === 1,
    spec: parsed.success ? parsed.data : null,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const columns = 'id, org_id, name, enabled, spec, created_by, created_at, updated_at';

export function listRules(db: Db, orgId: number): StoredRule[] {
  return (db.prepare(`SELECT ${columns} FROM alarm_rules WHERE org_id = ? ORDER BY name COLLATE NOCASE, id`).all(orgId) as RuleRow[]).map(toRule);
}

/** Every organisation's rules: the evaluator holds them all in memory. */
export function listAllRules(db: Db): StoredRule[] {
  return (db.prepare(`SELECT ${columns} FROM alarm_rules ORDER BY id`).all() as RuleRow[]).map(toRule);
}

export function findRule(db: Db, orgId: number, id: number): StoredRule | null {
  const row = db.prepare(`SELECT ${columns} FROM alarm_rules WHERE org_id = ? AND id = ?`).get(orgId, id) as RuleRow | undefined;
  return row ? toRule(row) : null;
}

export function findRuleByName(db: Db, orgId: number, name: string): StoredRule | null {
  const row = db.prepare(`SELECT ${columns} FROM alarm_rules WHERE org_id = ? AND name = ?`).get(orgId, name) as RuleRow | undefined;
  return row ? toRule(row) : null;
}

export function insertRule(db: Db, r: { orgId: number; name: string; enabled: boolean; spec: RuleSpec; createdBy: string; now: number }): number {
  return Number(
    db
      .prepare('INSERT INTO alarm_rules (org_id, name, enabled, spec, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(r.orgId, r.name, r.enabled ? 1 : 0, JSON.stringify(r.spec), r.createdBy, r.now, r.now).lastInsertRowid,
  );
}

export function updateRule(db: Db, r: { orgId: number; id: number; name: string; enabled: boolean; spec: RuleSpec; now: number }): boolean {
  return (
    db
      .prepare('UPDATE alarm_rules SET name = ?, enabled = ?, spec = ?, updated_at = ? WHERE org_id = ? AND id = ?')
      .run(r.name, r.enabled ? 1 : 0, JSON.stringify(r.spec), r.now, r.orgId, r.id).changes === 1
  );
}

export function deleteRule(db: Db, orgId: number, id: number): boolean {
  return db.prepare('DELETE FROM alarm_rules WHERE org_id = ? AND id = ?').run(orgId, id).changes === 1;
}
