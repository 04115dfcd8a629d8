import type { Db } from '../../store/database';

/** Rows kept hub-wide: the oldest go first (about 3 MB at the field bounds of refusal-recorder.ts). */
export const refusalsKept = 5000;

export interface RefusalRow {
  id: number;
  at: number;
  orgId: number | null;
  deviceId: number | null;
  deviceLabel: string;
  protocol: string;
  reason: string;
  target: string;
  excerpt: string;
  message: string;
  address: string;
  count: number;
}

export type NewRefusal = Omit<RefusalRow, 'id'>;

const columns = 'id, at, org_id AS orgId, device_id AS deviceId, device_label AS deviceLabel, protocol, reason, target, excerpt, message, address, count';

export function refusalStatements(db: Db) {
  const insert = db.prepare(`
    INSERT INTO refusals (at, org_id, device_id, device_label, protocol, reason, target, excerpt, message, address, count)
    VALUES (@at, @orgId,
      coalesce(@deviceId, (SELECT id FROM devices WHERE org_id = @orgId AND label = @deviceLabel)),
      @deviceLabel, @protocol, @reason, @target, @excerpt, @message, @address, @count)`);
  const trim = db.prepare('DELETE FROM refusals WHERE id <= (SELECT max(id) FROM refusals) - ?');
  return {
    append(rows: readonly NewRefusal[]): void {
      for (const r of rows) insert.run(r);
      trim.run(refusalsKept);
    },
  };
}

export function refusalsOfDevice(db: Db, deviceId: number, limit: number): RefusalRow[] {
  return db.prepare(`SELECT ${columns} FROM refusals WHERE device_id = ? ORDER BY id DESC LIMIT ?`).all(deviceId, limit) as RefusalRow[];
}

export interface BadTokenAddressRow {
  address: string;
  attempts: number;
  firstAt: number;
  lastAt: number;
  /** Comma-separated, as SQLite's group_concat gives them. */
  protocols: string;
}

/** Bad-token attempts (they name no organisation) grouped by remote address, the most recent first. */
export function badTokensByAddress(db: Db, limit: number): BadTokenAddressRow[] {
  return db
    .prepare(
      `SELECT address, sum(count) AS attempts, min(at) AS firstAt, max(at) AS lastAt, group_concat(DISTINCT protocol) AS protocols
       FROM refusals WHERE org_id IS NULL AND reason = 'bad_token'
       GROUP BY address ORDER BY lastAt DESC LIMIT ?`,
    )
    .all(limit) as BadTokenAddressRow[];
}

/** An organisation's refusals, and (for the hub owner) those that named no organisation (bad tokens). */
export function refusalsOfOrg(db: Db, orgId: number, withoutOrg: boolean, filter: { protocol?: string | undefined; deviceId?: number | undefined }, limit: number): RefusalRow[] {
  return db
    .prepare(
      `SELECT ${columns} FROM refusals
       WHERE (org_id = @orgId OR (@withoutOrg = 1 AND org_id IS NULL))
         AND (@protocol IS NULL OR protocol = @protocol)
         AND (@deviceId IS NULL OR device_id = @deviceId)
       ORDER BY id DESC LIMIT @limit`,
    )
    .all({ orgId, withoutOrg: withoutOrg ? 1 : 0, protocol: filter.protocol ?? null, deviceId: filter.deviceId ?? null, limit }) as RefusalRow[];
}
