import type { SyncAlarmEvent } from '../../../src-shared/sync-alarms';
import type { Db } from '../../store/database';

interface Row {
  site_id: string;
  payload: string;
  seq: number;
  received_at: number;
  device_id: number;
}

export interface SiteAlarmEvent extends SyncAlarmEvent {
  site: string;
  receivedAt: number;
  /** The organisation hub's device that holds the site device's readings. */
  deviceId: number;
}

const toEvent = (r: Row): SiteAlarmEvent => ({ ...(JSON.parse(r.payload) as SyncAlarmEvent), seq: r.seq, site: r.site_id, receivedAt: r.received_at, deviceId: r.device_id });

/**
 * Stores a site's alarm events (migration 0018); an event already stored
 * (same site, origin, alarm id and seq) is skipped. Returns how many were new.
 */
export function insertSiteAlarms(db: Db, siteRef: number, origin: string, events: readonly SyncAlarmEvent[], now: number): number {
  const insert = db.prepare(
    `INSERT INTO sync_site_alarms (site_ref, origin, alarm_id, seq, event, at, org, device, payload, received_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site_ref, origin, alarm_id, seq) DO NOTHING`,
  );
  let added = 0;
  for (const e of events) added += insert.run(siteRef, origin, e.alarmId, e.seq, e.event, e.at, e.org, e.device, JSON.stringify(e), now).changes;
  return added;
}

/**
 * The alarm events of one organisation's sites whose site device maps to one
 * of `deviceIds` (the caller's visible devices, sync_site_devices): an event
 * of a device nobody here may see, or not yet known here, is not listed.
 * Newest first.
 */
export function listSiteAlarms(db: Db, q: { orgId: number; deviceIds: readonly number[]; site?: string | undefined; limit: number }): SiteAlarmEvent[] {
  return (
    db
      .prepare(
        `SELECT s.site_id, a.payload, a.seq, a.received_at, d.device_id FROM sync_site_alarms a
         JOIN sync_sites s ON s.id = a.site_ref
         JOIN sync_site_devices d ON d.site_ref = a.site_ref AND d.site_org = a.org AND d.site_label = a.device
         WHERE s.org_id = ? AND (? IS NULL OR s.site_id = ?) AND d.device_id IN (SELECT value FROM json_each(?))
         ORDER BY a.at DESC, a.id DESC LIMIT ?`,
      )
      .all(q.orgId, q.site ?? null, q.site ?? null, JSON.stringify(q.deviceIds), q.limit) as Row[]
  ).map(toEvent);
}
