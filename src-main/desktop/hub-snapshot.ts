import { freshnessOf } from '../../src-shared/health';
import { activeAlarms, alarmById } from '../alarms/queries/alarms';
import { enabledDevicesLastSeen } from '../devices/queries/devices';
import type { Db } from '../store/database';
import type { AlarmFacts, HubSnapshot } from './tray-status';

/**
 * The tray's facts, read from the hub's database on the main thread (two
 * small queries every few seconds). The desktop app runs the hub for the
 * people at this machine, so it counts every organisation's devices and
 * alarms. Online uses the default thresholds, as the Devices list does.
 */
export function hubSnapshot(db: Db, listeners: HubSnapshot['listeners'], shareOnLan: boolean, now: number): HubSnapshot {
  const seen = enabledDevicesLastSeen(db);
  const alarms = activeAlarms(db);
  return {
    listeners,
    devices: { online: seen.filter((at) => freshnessOf(at, now) === 'online').length, total: seen.length },
    alarms: { active: alarms.length, unacknowledged: alarms.filter((a) => a.acked === null).length },
    shareOnLan,
  };
}

/** What a notification needs to know of an alarm as it stands now; null when it no longer exists. */
export function alarmFacts(db: Db, alarmId: number): (AlarmFacts & { deviceLabel: string }) | null {
  const alarm = alarmById(db, alarmId);
  return alarm ? { acknowledged: alarm.acked !== null, snoozedUntil: alarm.snoozedUntil, deviceLabel: alarm.deviceLabel } : null;
}
