import type { Db } from '../store/database';
import { allRetentionPolicies } from './queries/retention-policies';

const day = 86_400_000;

/**
 * Fixed bounds of the tables that grow with use but are not readings (issue 13;
 * docs/STEWARDSHIP.md lists them). Days after which a row goes.
 */
export const fixedBounds = {
  /** Per-device hourly usage and refusal counts, per-subject accounting: a year and a month of figures. */
  usageDays: 400,
  /** MQTT session records, from when the session ended. */
  mqttSessionDays: 90,
  /** Answered or expired commands (pending and delivered ones stay). */
  commandDays: 90,
  /** Site command log of sync. */
  syncCommandLogDays: 90,
  /** Console sessions after they expired or were revoked, API-key access tokens after last use (they live 6 hours). */
  expiredCredentialDays: 7,
  /** Invitations after they expired. */
  invitationDays: 30,
  /**
   * An organisation hub's record of site readings stored (sync de-duplication), after it was written. A site
   * resends only what it has no PUBACK for, within minutes of reconnecting; a site cut off for longer than this
   * between the organisation storing a batch and its PUBACK would have that batch stored twice.
   */
  syncReceivedDays: 90,
} as const;

interface Step {
  table: string;
  run(batch: number): number;
}

/** One small delete per step; each bounded by `batch` rows and using an index, so a call is short whatever the backlog. */
function steps(db: Db, now: number): Step[] {
  const out: Step[] = [];
  for (const p of allRetentionPolicies(db)) {
    const perOrg = (table: 'readings' | 'rollup_1m' | 'rollup_1h', days: number | null) => {
      if (days === null) return;
      const cutoff = now - days * day;
      // readings: (variable_id, ts) index; rollups: (variable_id, bucket) primary key. One range per variable of the organisation.
      // A reading still waiting in the sync outbox stays until it is sent: the upstream must not lose it to a long outage.
      const sql =
        table === 'readings'
          ? `DELETE FROM readings WHERE id IN (SELECT r.id FROM devices d JOIN variables v ON v.device_id = d.id JOIN readings r ON r.variable_id = v.id AND r.ts < ? WHERE d.org_id = ? AND NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE o.reading_id = r.id) LIMIT ?)`
          : `DELETE FROM ${table} WHERE (variable_id, bucket) IN (SELECT x.variable_id, x.bucket FROM devices d JOIN variables v ON v.device_id = d.id JOIN ${table} x ON x.variable_id = v.id AND x.bucket < ? WHERE d.org_id = ? LIMIT ?)`;
      out.push({ table, run: (batch) => db.prepare(sql).run(cutoff, p.orgId, batch).changes });
    };
    perOrg('readings', p.rawDays);
    perOrg('rollup_1m', p.rollup1mDays);
    perOrg('rollup_1h', p.rollup1hDays);
  }
  const before = (days: number) => now - days * day;
  const fixed: [string, string, number][] = [
    ['device_usage_hourly', 'DELETE FROM device_usage_hourly WHERE (device_id, hour) IN (SELECT u.device_id, u.hour FROM devices d JOIN device_usage_hourly u ON u.device_id = d.id AND u.hour < ? LIMIT ?)', before(fixedBounds.usageDays)],
    ['rejections_hourly', 'DELETE FROM rejections_hourly WHERE (hour, protocol, reason, device_label) IN (SELECT hour, protocol, reason, device_label FROM rejections_hourly WHERE hour < ? LIMIT ?)', before(fixedBounds.usageDays)],
    ['accounting', 'DELETE FROM accounting WHERE (subject, hour) IN (SELECT subject, hour FROM accounting WHERE hour < ? LIMIT ?)', before(fixedBounds.usageDays)],
    ['mqtt_sessions', 'DELETE FROM mqtt_sessions WHERE id IN (SELECT id FROM mqtt_sessions WHERE disconnected_at IS NOT NULL AND disconnected_at < ? LIMIT ?)', before(fixedBounds.mqttSessionDays)],
    ['commands', "DELETE FROM commands WHERE id IN (SELECT id FROM commands WHERE created_at < ? AND status NOT IN ('pending', 'delivered') LIMIT ?)", before(fixedBounds.commandDays)],
    ['sync_command_log', 'DELETE FROM sync_command_log WHERE id IN (SELECT id FROM sync_command_log WHERE at < ? LIMIT ?)', before(fixedBounds.syncCommandLogDays)],
    ['sessions', 'DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE min(expires_at, coalesce(revoked_at, expires_at)) < ? LIMIT ?)', before(fixedBounds.expiredCredentialDays)],
    ['access_tokens', 'DELETE FROM access_tokens WHERE jti IN (SELECT jti FROM access_tokens WHERE last_used_at < ? LIMIT ?)', before(fixedBounds.expiredCredentialDays)],
    ['invitations', 'DELETE FROM invitations WHERE id IN (SELECT id FROM invitations WHERE expires_at < ? LIMIT ?)', before(fixedBounds.invitationDays)],
    ['sync_received', 'DELETE FROM sync_received WHERE (origin_ref, seq) IN (SELECT origin_ref, seq FROM sync_received WHERE at < ? LIMIT ?)', before(fixedBounds.syncReceivedDays)],
  ];
  for (const [table, sql, cutoff] of fixed) out.push({ table, run: (batch) => db.prepare(sql).run(cutoff, batch).changes });
  return out;
}

export interface PurgeBatch {
  table: string;
  deleted: number;
}

/**
 * Writer op (ingest/pipeline/writer-registry.ts): deletes one batch of the
 * first table that has rows past their retention, in its own short
 * transaction between readings commits, and says what it did; null when
 * nothing is left. The caller repeats it with a pause, so ingest is never
 * held up by more than one batch.
 */
export function retentionPurgeOp(db: Db) {
  return (p: { now: number; batch: number }): PurgeBatch | null => {
    for (const step of steps(db, p.now)) {
      const deleted = step.run(p.batch);
      if (deleted > 0) return { table: step.table, deleted };
    }
    return null;
  };
}

/** Writer op: returns up to `pages` free pages to the file system (auto_vacuum = INCREMENTAL); says how many it freed and how many are still free. */
export function incrementalVacuumOp(db: Db) {
  return (p: { pages: number }): { freed: number; freePages: number } => {
    const pages = Math.max(1, Math.min(100_000, Math.floor(p.pages)));
    const free = () => db.pragma('freelist_count', { simple: true }) as number;
    const before = free();
    // PRAGMA arguments cannot be bound; `pages` is a clamped integer.
    if (before > 0) db.pragma(`incremental_vacuum(${pages})`);
    const after = free();
    return { freed: before - after, freePages: after };
  };
}
