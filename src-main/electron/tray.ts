import { Menu, Notification, Tray, nativeImage, shell, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import type { Hub } from '../hub';
import type { AlarmEvent } from '../alarms/service';
import { alarmFacts, hubSnapshot } from '../desktop/hub-snapshot';
import { alarmNotification, NotifiedAlarms, trayModel, type TrayItem, type TrayItemId } from '../desktop/tray-status';
import { packageRoot } from '../paths';

export interface TrayActions {
  openWindow(): void;
  setShareOnLan(on: boolean): void;
  quit(): void;
}

/** How often the tray re-reads the hub's facts (two small queries). */
const refreshMs = 5_000;

/** The tray icon and native alarm notifications; what they say is decided in desktop/tray-status.ts. */
export function startTray(hub: Hub, shareOnLan: boolean, actions: TrayActions): () => void {
  const tray = new Tray(nativeImage.createFromPath(join(packageRoot(), 'resources', 'icon.png')).resize({ width: 16, height: 16 }));
  let consoleUrl: string | null = null;
  const onItem = (id: TrayItemId, checked: boolean) => {
    if (id === 'open-window') actions.openWindow();
    else if (id === 'open-browser' && consoleUrl) void shell.openExternal(consoleUrl);
    else if (id === 'share-lan') actions.setShareOnLan(checked);
    else if (id === 'quit') actions.quit();
  };
  const toMenu = (item: TrayItem): MenuItemConstructorOptions => {
    if (item.kind === 'separator') return { type: 'separator' };
    if (item.kind === 'info') return { label: item.label, enabled: false };
    if (item.kind === 'checkbox') return { type: 'checkbox', label: item.label, checked: item.checked, enabled: item.enabled, click: (m) => onItem(item.id, m.checked) };
    return { label: item.label, enabled: item.enabled, click: () => onItem(item.id, false) };
  };
  const refresh = () => {
    const model = trayModel(hubSnapshot(hub.db, hub.listeners, shareOnLan, Date.now()));
    consoleUrl = model.consoleUrl;
    tray.setToolTip(model.tooltip);
    tray.setTitle(model.title);
    tray.setContextMenu(Menu.buildFromTemplate(model.items.map(toMenu)));
  };
  refresh();
  const timer = setInterval(refresh, refreshMs);
  tray.on('click', () => actions.openWindow());

  const notified = new NotifiedAlarms();
  const onAlarm = (event: AlarmEvent) => {
    const facts = alarmFacts(hub.db, event.alarmId);
    if (facts) {
      const note = alarmNotification({ ...event, deviceLabel: facts.deviceLabel }, facts, notified, Date.now());
      if (note && Notification.isSupported()) {
        const shown = new Notification({ title: note.title, body: note.body, urgency: note.urgency });
        shown.on('click', () => actions.openWindow());
        shown.show();
      }
    }
    refresh();
  };
  hub.services.alarms.events.on('alarm', onAlarm);
  return () => {
    clearInterval(timer);
    hub.services.alarms.events.off('alarm', onAlarm);
    tray.destroy();
  };
}
