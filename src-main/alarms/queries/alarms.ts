import type { Severity } from '../../../src-shared/alarm-rule';
import type { Db } from '../../store/database';

interface AlarmRow {
  id: number;
  org_id: number;
  rule_id: number | null;
  rule_name: string;
  device_id: number;
  device_label: string;
  variable: string | null;
  severity: string;
  state: string;
  started_at: number;
  ended_at: number | null;
  value: number | null;
  peak: number | null;
  severity_history: string;
  acked_at: number | null;
  acked_by: string | null;
  ack_comment: string | null;
  cleared_by: string | null;
  snoozed_until: number | null;
}

export interface StoredAlarm {
  id: number;
  orgId: number;
  ruleId: number | null;
  ruleName: string;
  deviceId: number;
  deviceLabel: string;
  variable: string | null;
  severity: Severity;
  state: 'active' | 'cleared';
  startedAt: number;
  endedAt: number | null;
  value: number | null;
  peak: number | null;
  severityHistory: Array<{ severity: Severity; at: number }>;
  acked: { at: number; by: string; comment: string } | null;
  clearedBy: string | null;
  snoozedUntil: number | null;
}

function toAlarm(r: AlarmRow): StoredAlarm {
  return {
    id: r.id,
    orgId: r.org_id,
    ruleId: r.rule_id,
    ruleName: r.rule_name,
    deviceId: r.device_id,
    deviceLabel: r.device_label,
    variable: r.variable,
    severity: r.severity as Severity,
    state: r.state as StoredAlarm['state'],
    startedAt: r.started_at,
    endedAt: r.ended_at,
    value: r.value,
    peak: r.peak,
    severityHistory: JSON.parse(r.severity_history) as StoredAlarm['severityHistory'],
    acked: r.acked_at === null ? null : { at: r.acked_at, by: r.acked_by ?? '', comment: r.ack_comment ?? '' },
    clearedBy: r.cleared_by,
    snoozedUntil: r.snoozed_until,
  };
}

const select = `SELECT a.id, a.org_id, a.rule_id, a.rule_name, a.device_id, d.label AS device_label, a.variable, a.severity, a.state, a.started_at, a.ended_at,
  a.value, a.peak, a.severity_history, a.acked_at, a.acked_by, a.ack_comment, a.cleared_by, a.snoozed_until
  FROM alarms a JOIN devices d ON d.id = a.device_id`;

export interface AlarmFilter {
  orgId: number;
  /** Only these devices (the caller's visible ones). */
  deviceIds: readonly number[];
  state?: 'active' | 'cleared' | undefined;
  severity?: Severity | undefined;
  acknowledged?: boolean | undefined;
  limit: number;
}

/** Newest first. The device list is bound as one JSON parameter, never spliced into the SQL. */
export function listAlarms(db: Db, f: AlarmFilter): StoredAlarm[] {
  return (
    db
      .prepare(
        `${select} WHERE a.org_id = @orgId AND a.device_id IN (SELECT value FROM json_each(@devices))
          AND (@state IS NULL OR a.state = @state) AND (@severity IS NULL OR a.severity = @severity)
          AND (@acked IS NULL OR (a.acked_at IS NOT NULL) = @acked)
          ORDER BY a.started_at DESC, a.id DESC LIMIT @limit`,
      )
      .all({ orgId: f.orgId, devices: JSON.stringify(f.deviceIds), state: f.state ?? null, severity: f.severity ?? null, acked: f.acknowledged === undefined ? null : Number(f.acknowledged), limit: f.limit }) as AlarmRow[]
  ).map(toAlarm);
}

export function findAlarm(db: Db, orgId: number, id: number): StoredAlarm | null {
  const row = db.prepare(`${select} WHERE a.org_id = ? AND a.id = ?`).get(orgId, id) as AlarmRow | undefined;
  return row ? toAlarm(row) : null;
}

/** Every organisation's active alarms: the evaluator's view of what people did to them. */
export function activeAlarms(db: Db): StoredAlarm[] {
  return (db.prepare(`${select} WHERE a.state = 'active'`).all() as AlarmRow[]).map(toAlarm);
}

export function acknowledgeAlarm(db: Db, a: { orgId: number; id: number; by: string; comment: string; now: number }): boolean {
  return db.prepare('UPDATE alarms SET acked_at = ?, acked_by = ?, ack_comment = ? WHERE org_id = ? AND id = ? AND acked_at IS NULL').run(a.now, a.by, a.comment, a.orgId, a.id).changes === 1;
}

export function clearAlarmByHand(db: Db, a: { orgId: number; id: number; by: string; now: number }): boolean {
  return db.prepare("UPDATE alarms SET state = 'cleared', ended_at = ?, cleared_by = ?, snoozed_until = NULL WHERE org_id = ? AND id = ? AND state = 'active'").run(a.now, a.by, a.orgId, a.id).changes === 1;
}

/** Clears the open alarms of a rule being disabled or removed; returns how many. */
export function clearRuleAlarms(db: Db, a: { orgId: number; ruleId: number; by: string; now: number }): number {
  return db.prepare("UPDATE alarms SET state = 'cleared', ended_at = ?, cleared_by = ? WHERE org_id = ? AND rule_id = ? AND state = 'active'").run(a.now, a.by, a.orgId, a.ruleId).changes;
}

export function snoozeAlarm(db: Db, a: { orgId: number; id: number; until: number | null }): boolean {
  return db.prepare("UPDATE alarms SET snoozed_until = ? WHERE org_id = ? AND id = ? AND state = 'active'").run(a.until, a.orgId, a.id).changes === 1;
}

// Written by the evaluator (through the writer thread, alarms/writer-ops.ts): the open alarm is found by rule and device.

export interface RaiseRow {
  orgId: number;
  ruleId: number;
  ruleName: string;
  deviceId: number;
  variable: string | null;
  severity: Severity;
  at: number;
  value: number | null;
}

/** Opens an alarm, or (a repeat while one is open) updates the open one; returns its id. */
export function raiseAlarm(db: Db, r: RaiseRow): number {
  const open = db.prepare("SELECT id FROM alarms WHERE rule_id = ? AND device_id = ? AND state = 'active'").get(r.ruleId, r.deviceId) as { id: number } | undefined;
  if (open) {
    escalateAlarm(db, { ruleId: r.ruleId, deviceId: r.deviceId, severity: r.severity, at: r.at });
    return open.id;
  }
  return Number(
    db
      .prepare(
        `INSERT INTO alarms (org_id, rule_id, rule_name, device_id, variable, severity, state, started_at, value, peak, severity_history)
         VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)`,
      )
      .run(r.orgId, r.ruleId, r.ruleName, r.deviceId, r.variable, r.severity, r.at, r.value, r.value, JSON.stringify([{ severity: r.severity, at: r.at }])).lastInsertRowid,
  );
}

export function escalateAlarm(db: Db, e: { ruleId: number; deviceId: number; severity: Severity; at: number }): void {
  db.prepare(
    `UPDATE alarms SET severity = @severity, severity_history = json_insert(severity_history, '$[#]', json_object('severity', @severity, 'at', @at))
     WHERE rule_id = @ruleId AND device_id = @deviceId AND state = 'active' AND severity <> @severity`,
  ).run(e);
}

export function updateAlarmValue(db: Db, u: { ruleId: number; deviceId: number; value: number; peak: number }): void {
  db.prepare("UPDATE alarms SET value = ?, peak = ? WHERE rule_id = ? AND device_id = ? AND state = 'active'").run(u.value, u.peak, u.ruleId, u.deviceId);
}

export function clearAlarmByRule(db: Db, c: { ruleId: number; deviceId: number; at: number; value: number | null }): number | null {
  const row = db
    .prepare("UPDATE alarms SET state = 'cleared', ended_at = ?, value = coalesce(?, value), snoozed_until = NULL WHERE rule_id = ? AND device_id = ? AND state = 'active' RETURNING id")
    .get(c.at, c.value, c.ruleId, c.deviceId) as { id: number } | undefined;
  return row?.id ?? null;
}

/** An alarm by id alone, for the writer thread's notification outbox (the alarm's own org is in the row). */
export function alarmById(db: Db, id: number): StoredAlarm | null {
  const row = db.prepare(`${select} WHERE a.id = ?`).get(id) as AlarmRow | undefined;
  return row ? toAlarm(row) : null;
}

/** The open alarm of a rule on a device, if any. */
export function openAlarmId(db: Db, ruleId: number, deviceId: number): number | null {
  const row = db.prepare(`SELECT id FROM alarms WHERE rule_id = ? AND device_id = ? AND state = 'active'`).get(ruleId, deviceId) as { id: number } | undefined;
  return row?.id ?? null;
}
