import { freshnessOf } from '../../src-shared/health';
import { activeAlarms, alarmById } from '../alarms/queries/alarms';
import { openSessionDevices } from '../broker/queries/mqtt-sessions';
import { enabledDevicesLastSeen } from '../devices/queries/devices';
import { thresholdsOfHub } from '../devices/queries/health';
import type { Db } from '../store/database';
import type { AlarmFacts, HubSnapshot } from './tray-status';

/**
 * The tray's facts, read from the hub's database on the main thread (two
 * small queries every few seconds). The desktop app runs the hub for the
 * people at this machine, so it counts every organisation's devices and
 * alarms. Online follows the health board's rule: an open MQTT session, or a
 * reading within the device's own thresholds (the defaults where it has none).
 */
export function hubSnapshot(db: Db, listeners: HubSnapshot['listeners'], shareOnLan: boolean, now: number): HubSnapshot {
  const seen = enabledDevicesLastSeen(db);
  const thresholds = thresholdsOfHub(db);
  const connected = new Set(openSessionDevices(db));
  const alarms = activeAlarms(db);
  const online = seen.filter((d) => freshnessOf(d.lastSeenAt, now, thresholds.get(d.id), connected.has(d.id)) === 'online');
  return {
    listeners,
    devices: { online: online.length, total: seen.length },
    alarms: { active: alarms.length, unacknowledged: alarms.filter((a) => a.acked === null).length },
    shareOnLan,
  };
}

/** What a notification needs to know of an alarm as it stands now; null when it no longer exists. */
export function alarmFacts(db: Db, alarmId: number): (AlarmFacts & { deviceLabel: string }) | null {
  const alarm = alarmById(db, alarmId);
  return alarm ? { acknowledged: alarm.acked !== null, snoozedUntil: alarm.snoozedUntil, deviceLabel: alarm.deviceLabel } : null;
}
