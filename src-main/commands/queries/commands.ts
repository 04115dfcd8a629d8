import { z } from 'zod';
import type { Db } from '../../store/database';

export const commandStatuses = ['pending', 'delivered', 'answered', 'expired'] as const;
export type CommandStatus = (typeof commandStatuses)[number];

export interface Command {
  id: string;
  deviceId: number;
  kind: 'control' | 'rpc';
  variable: string | null;
  value: number | null;
  method: string | null;
  params: unknown;
  status: CommandStatus;
  requestedBy: string;
  createdAt: number;
  expiresAt: number;
  deliveredAt: number | null;
  answeredAt: number | null;
  appliedAt: number | null;
  response: unknown;
}

const rowSchema = z.object({
  id: z.string(),
  device_id: z.number(),
  kind: z.enum(['control', 'rpc']),
  variable: z.string().nullable(),
  value: z.number().nullable(),
  method: z.string().nullable(),
  params: z.string().nullable(),
  status: z.enum(commandStatuses),
  requested_by: z.string(),
  created_at: z.number(),
  expires_at: z.number(),
  delivered_at: z.number().nullable(),
  answered_at: z.number().nullable(),
  applied_at: z.number().nullable(),
  response: z.string().nullable(),
});

const toCommand = (raw: unknown): Command => {
  const r = rowSchema.parse(raw);
  return {
    id: r.id,
    deviceId: r.device_id,
    kind: r.kind,
    variable: r.variable,
    value: r.value,
    method: r.method,
    params: r.params === null ? null : (JSON.parse(r.params) as unknown),
    status: r.status,
    requestedBy: r.requested_by,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    deliveredAt: r.delivered_at,
    answeredAt: r.answered_at,
    appliedAt: r.applied_at,
    response: r.response === null ? null : (JSON.parse(r.response) as unknown),
  };
};

const columns = 'id, device_id, kind, variable, value, method, params, status, requested_by, created_at, expires_at, delivered_at, answered_at, applied_at, response';

export type NewCommand =
  | { kind: 'control'; deviceId: number; variable: string; value: number; requestedBy: string; now: number; expiresAt: number }
  | { kind: 'rpc'; deviceId: number; method: string; params: unknown; requestedBy: string; now: number; expiresAt: number };

/**
 * Ids are small increasing integers (as text): ThingsBoard firmware parses the
 * RPC request id from the topic as an integer.
 */
export function insertCommand(db: Db, c: NewCommand): Command {
  return db.transaction(() => {
    const next = ((db.prepare('SELECT max(CAST(id AS INTEGER)) FROM commands').pluck().get() as number | null) ?? 0) + 1;
    const id = String(next);
    db.prepare(`INSERT INTO commands (id, device_id, kind, variable, value, method, params, status, requested_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`).run(
      id,
      c.deviceId,
      c.kind,
      c.kind === 'control' ? c.variable : null,
      c.kind === 'control' ? c.value : null,
      c.kind === 'rpc' ? c.method : null,
      c.kind === 'rpc' ? JSON.stringify(c.params ?? null) : null,
      c.requestedBy,
      c.now,
      c.expiresAt,
    );
    return findCommand(db, id)!;
  }).immediate();
}

export function findCommand(db: Db, id: string): Command | null {
  const row = db.prepare(`SELECT ${columns} FROM commands WHERE id = ?`).get(id);
  return row ? toCommand(row) : null;
}

/** Commands still waiting to reach their device (optionally one device). */
export function openCommands(db: Db, deviceId?: number): Command[] {
  const rows =
    deviceId === undefined
      ? db.prepare(`SELECT ${columns} FROM commands WHERE status = 'pending' ORDER BY CAST(id AS INTEGER)`).all()
      : db.prepare(`SELECT ${columns} FROM commands WHERE status = 'pending' AND device_id = ? ORDER BY CAST(id AS INTEGER)`).all(deviceId);
  return rows.map(toCommand);
}

export function markApplied(db: Db, id: string, now: number): void {
  db.prepare('UPDATE commands SET applied_at = ? WHERE id = ? AND applied_at IS NULL').run(now, id);
}

/** Status changes only move forward: pending -> delivered -> answered; pending/delivered -> expired. */
export function markDelivered(db: Db, id: string, now: number): boolean {
  return db.prepare(`UPDATE commands SET status = 'delivered', delivered_at = ? WHERE id = ? AND status = 'pending'`).run(now, id).changes > 0;
}

export function markAnswered(db: Db, id: string, deviceId: number, response: unknown, now: number): boolean {
  return (
    db
      .prepare(`UPDATE commands SET status = 'answered', answered_at = ?, response = ? WHERE id = ? AND device_id = ? AND kind = 'rpc' AND status IN ('pending', 'delivered')`)
      .run(now, JSON.stringify(response ?? null), id, deviceId).changes > 0
  );
}

const expirable = `(status = 'pending' OR (status = 'delivered' AND kind = 'rpc')) AND expires_at <= ?`;

/**
 * Is any command due to expire? A read: the hub checks every second, and an
 * UPDATE, even one that changes nothing, would wait for the writer thread's
 * lock on the event loop.
 */
export function anyCommandExpired(db: Db, now: number): boolean {
  return db.prepare(`SELECT 1 FROM commands WHERE ${expirable} LIMIT 1`).get(now) !== undefined;
}

/** Pending commands past their expiry. (Delivered control values are final; delivered RPCs wait for an answer until expiry.) */
export function expireCommands(db: Db, now: number, id?: string): number {
  const where = expirable;
  return id === undefined
    ? db.prepare(`UPDATE commands SET status = 'expired' WHERE ${where}`).run(now).changes
    : db.prepare(`UPDATE commands SET status = 'expired' WHERE ${where} AND id = ?`).run(now, id).changes;
}

/** A device's most recent commands, newest first (the device page's history). */
export function recentCommands(db: Db, deviceId: number, limit: number): Command[] {
  return db.prepare(`SELECT ${columns} FROM commands WHERE device_id = ? ORDER BY created_at DESC, CAST(id AS INTEGER) DESC LIMIT ?`).all(deviceId, limit).map(toCommand);
}

/** Devices with a command due to expire: told that its state changed once it has. */
export function devicesWithExpiredCommands(db: Db, now: number): number[] {
  return db.prepare(`SELECT DISTINCT device_id FROM commands WHERE ${expirable}`).pluck().all(now) as number[];
}

/** The oldest pending RPC of a device (a ThingsBoard device fetching its RPC over HTTPS). */
export function oldestPendingRpc(db: Db, deviceId: number): Command | null {
  const row = db.prepare(`SELECT ${columns} FROM commands WHERE status = 'pending' AND kind = 'rpc' AND device_id = ? ORDER BY CAST(id AS INTEGER) LIMIT 1`).get(deviceId);
  return row ? toCommand(row) : null;
}
