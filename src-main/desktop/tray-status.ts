import type { Severity } from '../../src-shared/alarm-rule';

/** What the tray shows, gathered by the Electron shell from the running hub (desktop/hub-snapshot.ts). */
export interface HubSnapshot {
  /** Listener name → bound address; a listener that is off is absent. */
  listeners: Readonly<Record<string, { host: string; port: number }>>;
  devices: { online: number; total: number };
  alarms: { active: number; unacknowledged: number };
  shareOnLan: boolean;
}

export type TrayItemId = 'open-window' | 'open-browser' | 'share-lan' | 'quit';

export type TrayItem =
  | { kind: 'action'; id: TrayItemId; label: string; enabled: boolean }
  | { kind: 'checkbox'; id: TrayItemId; label: string; checked: boolean; enabled: boolean }
  | { kind: 'info'; label: string }
  | { kind: 'separator' };

export interface TrayModel {
  /** The tooltip: one line per fact, so it reads on every platform (macOS shows `title` beside the icon too). */
  tooltip: string;
  /** Short text beside the icon on macOS: the unacknowledged alarm count, empty when there is none. */
  title: string;
  /** `alarm` when an alarm waits for someone, `ok` otherwise: the shell picks the icon. */
  level: 'ok' | 'alarm';
  items: TrayItem[];
  /** The console's address for "Open in browser"; null when the console listener is not up. */
  consoleUrl: string | null;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The console's address as a browser on this machine reaches it (an any-address bind is reached on loopback). */
export function consoleUrlOf(listener: { host: string; port: number } | undefined): string | null {
  if (!listener) return null;
  const host = listener.host === '0.0.0.0' || listener.host === '::' ? '127.0.0.1' : listener.host;
  return `https://${host.includes(':') ? `[${host}]` : host}:${listener.port}/`;
}

/** The tray's tooltip, title and menu, as plain data: the shell turns it into a Tray and a Menu. */
export function trayModel(s: HubSnapshot): TrayModel {
  const listening = Object.keys(s.listeners).sort();
  const listenLine = listening.length === 0 ? 'No listener is up' : `Listening: ${listening.join(', ')}`;
  const deviceLine = `${s.devices.online} of ${plural(s.devices.total, 'device', 'devices')} online`;
  const alarmLine =
    s.alarms.active === 0
      ? 'No active alarm'
      : `${plural(s.alarms.active, 'active alarm', 'active alarms')}${s.alarms.unacknowledged > 0 ? `, ${s.alarms.unacknowledged} not acknowledged` : ''}`;
  const consoleUrl = consoleUrlOf(s.listeners.console);
  return {
    tooltip: ['Outpost', listenLine, deviceLine, alarmLine].join('\n'),
    title: s.alarms.unacknowledged > 0 ? String(s.alarms.unacknowledged) : '',
    level: s.alarms.unacknowledged > 0 ? 'alarm' : 'ok',
    consoleUrl,
    items: [
      { kind: 'info', label: deviceLine },
      { kind: 'info', label: alarmLine },
      { kind: 'separator' },
      { kind: 'action', id: 'open-window', label: 'Open Outpost', enabled: true },
      { kind: 'action', id: 'open-browser', label: 'Open console in browser', enabled: consoleUrl !== null },
      // Off by default: the console carries human sessions and stays on loopback until the user says otherwise (restarts the hub).
      { kind: 'checkbox', id: 'share-lan', label: 'Share console on the LAN (restarts Outpost)', checked: s.shareOnLan, enabled: true },
      { kind: 'separator' },
      { kind: 'action', id: 'quit', label: 'Quit Outpost', enabled: true },
    ],
  };
}

/** What the alarm service emits (alarms/service.ts AlarmEvent), as far as notifications need it. */
export interface AlarmEventFacts {
  kind: 'raise' | 'escalate' | 'clear' | 'remind';
  alarmId: number;
  ruleName: string;
  deviceLabel: string;
  severity: Severity | null;
  value: number | null;
}

export interface AlarmFacts {
  acknowledged: boolean;
  /** Snoozed until this time (ms), or null. */
  snoozedUntil: number | null;
}

export interface DesktopNotification {
  title: string;
  body: string;
  /** Critical alarms ask the OS to keep the notification up (Electron `urgency: 'critical'` on Linux). */
  urgency: 'normal' | 'critical';
  alarmId: number;
}

/** Keys of notifications already shown, bounded so a hub that runs for months does not grow without end. */
export class NotifiedAlarms {
  private readonly keys = new Set<string>();
  constructor(private readonly limit = 1000) {}

  /** True the first time a key is seen. */
  firstTime(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.limit) {
      const oldest = this.keys.values().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    return true;
  }
}

const truncate = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/**
 * Whether an alarm event becomes a native notification, and its text.
 * A raise and an escalation notify once per alarm and severity (the live
 * channel and a restart may deliver the same change twice); a reminder
 * notifies unless someone acknowledged the alarm (the engine already skips
 * acknowledged ones; this holds if an acknowledgement races a reminder); a
 * snoozed alarm stays quiet until its snooze ends; a clear never notifies
 * (nobody needs to act on it).
 */
export function alarmNotification(event: AlarmEventFacts, alarm: AlarmFacts, notified: NotifiedAlarms, now: number): DesktopNotification | null {
  if (event.kind === 'clear') return null;
  if (alarm.snoozedUntil !== null && now < alarm.snoozedUntil) return null;
  if (event.kind === 'remind') {
    if (alarm.acknowledged) return null;
  } else if (!notified.firstTime(`${event.alarmId}:${event.severity ?? ''}`)) {
    return null;
  }
  if (event.kind === 'raise' && alarm.acknowledged) return null;
  const severity = event.severity ?? 'warning';
  const verb = event.kind === 'escalate' ? 'escalated to' : event.kind === 'remind' ? 'still' : 'raised,';
  const value = event.value === null ? '' : ` (value ${event.value})`;
  return {
    // Rule names and labels are user-entered: shortened so a long one cannot fill the screen.
    title: truncate(`${event.deviceLabel}: ${event.ruleName}`, 80),
    body: `Alarm ${verb} ${severity}${value}. Open Outpost to acknowledge it.`,
    urgency: severity === 'critical' ? 'critical' : 'normal',
    alarmId: event.alarmId,
  };
}
