import type { AlarmDelivery, DeliveryEvent } from '../../../src-shared/api/areas/alarm-channels';
import type { Db } from '../../store/database';

interface DeliveryRow {
  id: number;
  org_id: number;
  alarm_id: number;
  channel_id: number;
  channel_name: string;
  event: string;
  payload: string;
  status: string;
  attempts: number;
  next_at: number;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
  held_until: number | null;
}

export interface StoredDelivery extends AlarmDelivery {
  orgId: number;
  payload: string;
}

const toDelivery = (r: DeliveryRow): StoredDelivery => ({
  id: r.id,
  orgId: r.org_id,
  alarmId: r.alarm_id,
  channelId: r.channel_id,
  channelName: r.channel_name,
  event: r.event as DeliveryEvent,
  payload: r.payload,
  status: r.status as StoredDelivery['status'],
  attempts: r.attempts,
  nextAt: r.next_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  sentAt: r.sent_at,
  heldUntil: r.held_until,
});

const select = 'SELECT x.*, c.name AS channel_name FROM alarm_deliveries x JOIN alarm_channels c ON c.id = x.channel_id';

/** `heldUntil`: queued inside quiet hours, first attempt when they end. */
export function insertDelivery(db: Db, d: { orgId: number; alarmId: number; channelId: number; event: DeliveryEvent; payload: string; now: number; heldUntil?: number | null }): number {
  const held = d.heldUntil ?? null;
  return Number(
    db
      .prepare(`INSERT INTO alarm_deliveries (org_id, alarm_id, channel_id, event, payload, status, next_at, created_at, held_until) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)`)
      .run(d.orgId, d.alarmId, d.channelId, d.event, d.payload, held ?? d.now, d.now, held).lastInsertRowid,
  );
}

/** Whether the channel was already sent an event of this alarm (a held `acknowledged` or `cleared` only matters then). */
export function channelToldOf(db: Db, alarmId: number, channelId: number): boolean {
  return db.prepare(`SELECT 1 FROM alarm_deliveries WHERE alarm_id = ? AND channel_id = ? AND status = 'sent' LIMIT 1`).get(alarmId, channelId) !== undefined;
}

/** Pending deliveries due now, oldest first (index alarm_deliveries_due). */
export function dueDeliveries(db: Db, now: number, limit: number): StoredDelivery[] {
  return (db.prepare(`${select} WHERE x.status = 'pending' AND x.next_at <= ? ORDER BY x.next_at, x.id LIMIT ?`).all(now, limit) as DeliveryRow[]).map(toDelivery);
}

export function listDeliveries(db: Db, f: { orgId: number; status?: string | undefined; alarmId?: number | undefined; limit: number }): StoredDelivery[] {
  return (
    db
      .prepare(`${select} WHERE x.org_id = ? AND (? IS NULL OR x.status = ?) AND (? IS NULL OR x.alarm_id = ?) ORDER BY x.created_at DESC, x.id DESC LIMIT ?`)
      .all(f.orgId, f.status ?? null, f.status ?? null, f.alarmId ?? null, f.alarmId ?? null, f.limit) as DeliveryRow[]
  ).map(toDelivery);
}

export type DeliveryResult = { id: number; at: number } & ({ status: 'sent' } | { status: 'skipped'; reason: string } | { status: 'pending' | 'failed'; error: string; nextAt: number });

/** One attempt's outcome: sent, retried later (pending, next_at), given up (failed) or not needed after quiet hours (skipped). */
export function recordDeliveryResult(db: Db, r: DeliveryResult): void {
  if (r.status === 'sent') {
    db.prepare(`UPDATE alarm_deliveries SET status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL WHERE id = ? AND status = 'pending'`).run(r.at, r.id);
  } else if (r.status === 'skipped') {
    db.prepare(`UPDATE alarm_deliveries SET status = 'skipped', last_error = ? WHERE id = ? AND status = 'pending'`).run(r.reason, r.id);
  } else {
    db.prepare(`UPDATE alarm_deliveries SET status = ?, attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ? AND status = 'pending'`).run(r.status, r.nextAt, r.error, r.id);
  }
}
