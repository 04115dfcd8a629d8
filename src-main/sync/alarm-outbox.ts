import type { SyncAlarmEvent, SyncAlarmEventKind } from '../../src-shared/sync-alarms';
import { syncAlarmEventKinds } from '../../src-shared/sync-alarms';
import type { StoredAlarm } from '../alarms/queries/alarms';
import type { Db } from '../store/database';
import { OutboxScope } from './outbox-scope';
import { insertAlarmOutbox } from './queries/sync-alarm-outbox';

/**
 * Queues an alarm event for the upstream in the transaction that changes the
 * alarm (called by alarms/notify/outbox.ts `enqueueAlarmEvent`, itself called
 * by the `alarms-apply` writer op or the API handler), so the event is
 * committed with the change or not at all, like a reading with its outbox row.
 * Queued only while sync is on and covers the alarm's device (the same
 * settings as readings, read as committed). Reminders are not synced: they
 * change nothing the organisation keeps.
 */
export function queueAlarmForSync(db: Db, alarm: StoredAlarm, event: string, at: number): boolean {
  if (!(syncAlarmEventKinds as readonly string[]).includes(event)) return false;
  const fromSite = db.prepare('SELECT 1 FROM sync_site_devices WHERE device_id = ?').get(alarm.deviceId) !== undefined;
  if (!new OutboxScope(db).coversDevice(alarm.deviceLabel, fromSite)) return false;
  const org = db.prepare('SELECT slug FROM organisations WHERE id = ?').pluck().get(alarm.orgId) as string;
  const body: Omit<SyncAlarmEvent, 'seq'> = {
    alarmId: alarm.id,
    event: event as SyncAlarmEventKind,
    at,
    org,
    device: alarm.deviceLabel,
    variable: alarm.variable,
    rule: alarm.ruleName,
    severity: alarm.severity,
    state: alarm.state,
    value: alarm.value,
    peak: alarm.peak,
    startedAt: alarm.startedAt,
    endedAt: alarm.endedAt,
    acknowledged: alarm.acked ? { at: alarm.acked.at, by: alarm.acked.by, comment: alarm.acked.comment || null } : null,
  };
  insertAlarmOutbox(db, { alarmId: alarm.id, event, payload: JSON.stringify(body), now: at });
  return true;
}
