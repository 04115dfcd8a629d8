import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { acknowledgeAlarm, raiseAlarm } from '../../src-main/alarms/queries/alarms';
import { insertRule } from '../../src-main/alarms/queries/rules';
import { alarmFacts, hubSnapshot } from '../../src-main/desktop/hub-snapshot';
import { setThresholds } from '../../src-main/devices/queries/health';
import { alarmNotification, consoleUrlOf, NotifiedAlarms, trayModel, type AlarmEventFacts, type HubSnapshot } from '../../src-main/desktop/tray-status';
import { openDatabase } from '../../src-main/store/database';
import { migrate, migrations } from '../../src-main/store/migrations';
import { ruleSpecSchema } from '../../src-shared/alarm-rule';
import { tempDir } from '../helpers/tmp';

const quiet: HubSnapshot = {
  listeners: { console: { host: '127.0.0.1', port: 8444 }, https: { host: '0.0.0.0', port: 8443 }, mqtts: { host: '0.0.0.0', port: 8883 } },
  devices: { online: 3, total: 4 },
  alarms: { active: 0, unacknowledged: 0 },
  shareOnLan: false,
};

test('tray: tooltip and title say listeners, devices online and alarms; the menu opens the console, in the browser, and shares on the LAN only when asked', () => {
  const m = trayModel(quiet);
  assert.equal(m.tooltip, 'Outpost\nListening: console, https, mqtts\n3 of 4 devices online\nNo active alarm');
  assert.equal(m.title, '');
  assert.equal(m.level, 'ok');
  assert.equal(m.consoleUrl, 'https://127.0.0.1:8444/');
  const byId = new Map(m.items.flatMap((i) => ('id' in i ? [[i.id, i] as const] : [])));
  assert.deepEqual([...byId.keys()], ['open-window', 'open-browser', 'share-lan', 'quit']);
  assert.deepEqual(byId.get('share-lan'), { kind: 'checkbox', id: 'share-lan', label: 'Share console on the LAN (restarts Outpost)', checked: false, enabled: true }, 'off by default');
  assert.equal(trayModel({ ...quiet, shareOnLan: true }).items.some((i) => i.kind === 'checkbox' && i.checked), true);

  const alarmed = trayModel({ ...quiet, devices: { online: 1, total: 1 }, alarms: { active: 3, unacknowledged: 2 } });
  assert.match(alarmed.tooltip, /1 of 1 device online\n3 active alarms, 2 not acknowledged$/);
  assert.equal(alarmed.title, '2');
  assert.equal(alarmed.level, 'alarm');
  const acked = trayModel({ ...quiet, alarms: { active: 1, unacknowledged: 0 } });
  assert.match(acked.tooltip, /1 active alarm$/);
  assert.equal(acked.level, 'ok', 'acknowledged alarms do not keep the tray red');

  // No console listener: "Open in browser" is greyed, not a dead link.
  const noConsole = trayModel({ ...quiet, listeners: {} });
  assert.equal(noConsole.consoleUrl, null);
  assert.match(noConsole.tooltip, /No listener is up/);
  assert.equal(noConsole.items.find((i) => 'id' in i && i.id === 'open-browser' && i.kind === 'action' && !i.enabled) !== undefined, true);
  // Shared on the LAN the console binds every interface; this machine's browser reaches it on loopback.
  assert.equal(consoleUrlOf({ host: '0.0.0.0', port: 9000 }), 'https://127.0.0.1:9000/');
  assert.equal(consoleUrlOf({ host: '::1', port: 9000 }), 'https://[::1]:9000/');
});

const raise: AlarmEventFacts = { kind: 'raise', alarmId: 7, ruleName: 'freezer warm', deviceLabel: 'freezer', severity: 'major', value: -10 };
const open = { acknowledged: false, snoozedUntil: null };

test('alarm notifications: raise and escalate once each; reminders until acknowledged; snoozed and cleared stay quiet', () => {
  const seen = new NotifiedAlarms();
  const first = alarmNotification(raise, open, seen, 1000);
  assert.deepEqual(first, { title: 'freezer: freezer warm', body: 'Alarm raised, major (value -10). Open Outpost to acknowledge it.', urgency: 'normal', alarmId: 7 });
  assert.equal(alarmNotification(raise, open, seen, 1001), null, 'the same raise delivered twice notifies once');
  const up = alarmNotification({ ...raise, kind: 'escalate', severity: 'critical', value: -2 }, open, seen, 1002);
  assert.equal(up?.urgency, 'critical');
  assert.match(up?.body ?? '', /escalated to critical \(value -2\)/);
  assert.equal(alarmNotification({ ...raise, kind: 'escalate', severity: 'critical' }, open, seen, 1003), null);
  // An escalation is news even after an acknowledgement (it acknowledged a lesser state).
  assert.notEqual(alarmNotification({ ...raise, alarmId: 8, kind: 'escalate', severity: 'critical' }, { acknowledged: true, snoozedUntil: null }, seen, 1004), null);
  // Reminders repeat (the engine paces them) until someone acknowledges.
  const remind = { ...raise, kind: 'remind' as const };
  assert.match(alarmNotification(remind, open, seen, 2000)?.body ?? '', /still major/);
  assert.notEqual(alarmNotification(remind, open, seen, 3000), null);
  assert.equal(alarmNotification(remind, { acknowledged: true, snoozedUntil: null }, seen, 4000), null);
  // Snoozed: quiet until the snooze ends.
  assert.equal(alarmNotification({ ...remind, alarmId: 9 }, { acknowledged: false, snoozedUntil: 5000 }, seen, 4999), null);
  assert.notEqual(alarmNotification({ ...remind, alarmId: 9 }, { acknowledged: false, snoozedUntil: 5000 }, seen, 5000), null);
  // Cleared: nobody has to act.
  assert.equal(alarmNotification({ ...raise, alarmId: 10, kind: 'clear', severity: null }, open, seen, 6000), null);
  // User-entered names are shortened.
  const long = alarmNotification({ ...raise, alarmId: 11, ruleName: 'x'.repeat(500) }, open, seen, 7000);
  assert.equal(long?.title.length, 80);
  // The memory of what was shown is bounded.
  const small = new NotifiedAlarms(2);
  for (const id of [1, 2, 3]) assert.notEqual(alarmNotification({ ...raise, alarmId: id }, open, small, 0), null);
  assert.notEqual(alarmNotification({ ...raise, alarmId: 1 }, open, small, 0), null, 'the oldest key was forgotten');
  assert.equal(alarmNotification({ ...raise, alarmId: 3 }, open, small, 0), null);
});

test('hub snapshot from a real database: enabled devices of every organisation, online by each device\'s own thresholds or an open MQTT session; active and unacknowledged alarms', () => {
  const db = openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
  try {
    migrate(db, migrations);
    const now = 10_000_000;
    db.prepare("INSERT INTO organisations (id, slug, name, created_at) VALUES (2, 'second', 'Second', 0)").run();
    const device = (org: number, label: string, lastSeen: number | null, disabled: number | null = null) =>
      Number(db.prepare('INSERT INTO devices (org_id, label, name, created_at, last_seen_at, disabled_at) VALUES (?, ?, ?, 0, ?, ?)').run(org, label, label, lastSeen, disabled).lastInsertRowid);
    const fresh = device(1, 'fresh', now - 60_000);
    const patient = device(1, 'stale', now - 10 * 60_000);
    device(1, 'never', null);
    device(1, 'off', now, now);
    const other = device(2, 'other-org', now - 1000);
    // Its own thresholds: 10 min without a reading is still online for it (stale by the defaults) ...
    setThresholds(db, patient, { staleAfterS: 20 * 60, offlineAfterS: 2 * 3600 });
    // ... and a minute is offline for one that reports every few seconds (online by the defaults).
    setThresholds(db, device(2, 'quick', now - 60_000), { staleAfterS: 10, offlineAfterS: 10 });
    // An open MQTT session is online without any reading.
    const linked = device(2, 'linked', null);
    db.prepare("INSERT INTO mqtt_sessions (client_id, device_id, remote_address, connected_at) VALUES ('c1', ?, '127.0.0.1', ?)").run(linked, now);
    const spec = (deviceId: number) => ruleSpecSchema.parse({ scope: { kind: 'device', deviceId }, subject: { kind: 'variable', variable: 't' }, op: '>', levels: [{ severity: 'major', value: 30 }] });
    const r1 = insertRule(db, { orgId: 1, name: 'hot', enabled: true, spec: spec(fresh), createdBy: 'cli:test', now: 1 });
    const r2 = insertRule(db, { orgId: 2, name: 'hot', enabled: true, spec: spec(other), createdBy: 'cli:test', now: 1 });
    const a1 = raiseAlarm(db, { orgId: 1, ruleId: r1, ruleName: 'hot', deviceId: fresh, variable: 't', severity: 'major', at: 2, value: 31 });
    raiseAlarm(db, { orgId: 2, ruleId: r2, ruleName: 'hot', deviceId: other, variable: 't', severity: 'major', at: 2, value: 31 });

    const listeners = { console: { host: '127.0.0.1', port: 8444 } };
    assert.deepEqual(hubSnapshot(db, listeners, false, now), { listeners, devices: { online: 4, total: 6 }, alarms: { active: 2, unacknowledged: 2 }, shareOnLan: false });
    assert.deepEqual(alarmFacts(db, a1), { acknowledged: false, snoozedUntil: null, deviceLabel: 'fresh' });
    assert.equal(acknowledgeAlarm(db, { orgId: 1, id: a1, by: 'user:1', comment: 'seen', now: 3 }), true);
    assert.deepEqual(hubSnapshot(db, listeners, true, now).alarms, { active: 2, unacknowledged: 1 });
    assert.equal(alarmFacts(db, a1)?.acknowledged, true);
    assert.equal(alarmFacts(db, 9999), null);
  } finally {
    db.close();
  }
});
