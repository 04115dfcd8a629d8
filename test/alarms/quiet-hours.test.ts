import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { addDevice } from '../../src-main/devices/lifecycle';
import { openDatabase } from '../../src-main/store/database';
import { migrate, migrations } from '../../src-main/store/migrations';
import { hoursEnd, withinHours } from '../../src-shared/alarm-rule';
import { allowHosts, deliveries, must, sendReading, webhookReceiver } from '../helpers/alarms';
import { startTestHub } from '../helpers/hub';
import { eventually } from '../helpers/ingest';
import { tempDir } from '../helpers/tmp';

const local = (h: number, m: number, day = 30) => new Date(2026, 10, day, h, m).getTime();
const hhmm = (ms: number) => new Date(ms).toTimeString().slice(0, 5);

test('quiet hours that wrap past midnight: inside from 22:00 to 07:00 local time, ending at the next 07:00', () => {
  const night = { from: '22:00', to: '07:00' };
  assert.equal(withinHours(night, local(23, 30)), true);
  assert.equal(withinHours(night, local(6, 59)), true);
  assert.equal(withinHours(night, local(7, 0)), false);
  assert.equal(withinHours(night, local(12, 0)), false);
  assert.equal(hoursEnd(night, local(23, 30)), local(7, 0, 31), 'after midnight: the next day');
  assert.equal(hoursEnd(night, local(6, 59)), local(7, 0), 'before 07:00: the same day');
});

test('migration 0015 on version 14 data: deliveries keep their ids and values, are not held, and may become skipped', () => {
  const db = openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
  try {
    migrate(db, migrations.filter((m) => m.version < 15));
    const deviceId = Number(db.prepare("INSERT INTO devices (org_id, label, name, created_at) VALUES (1, 'old', 'Old', 0)").run().lastInsertRowid);
    const alarmId = Number(db.prepare("INSERT INTO alarms (org_id, rule_id, rule_name, device_id, severity, state, started_at, severity_history) VALUES (1, NULL, 'hot', ?, 'major', 'active', 1, '[]')").run(deviceId).lastInsertRowid);
    const channelId = Number(db.prepare("INSERT INTO alarm_channels (org_id, name, kind, config, created_at) VALUES (1, 'hook', 'webhook', '{}', 0)").run().lastInsertRowid);
    db.prepare("INSERT INTO alarm_deliveries (id, org_id, alarm_id, channel_id, event, payload, status, attempts, next_at, last_error, created_at, sent_at) VALUES (7, 1, ?, ?, 'raised', '{}', 'failed', 8, 5, 'HTTP 500', 2, NULL)").run(alarmId, channelId);
    assert.throws(() => db.prepare("UPDATE alarm_deliveries SET status = 'skipped'").run(), /CHECK/, 'version 14 has no skipped');

    assert.deepEqual(migrate(db, migrations.filter((m) => m.version <= 15)), { from: 14, to: 15 });
    const row = db.prepare('SELECT * FROM alarm_deliveries').get() as Record<string, unknown>;
    assert.deepEqual(row, { id: 7, org_id: 1, alarm_id: alarmId, channel_id: channelId, event: 'raised', payload: '{}', status: 'failed', attempts: 8, next_at: 5, last_error: 'HTTP 500', created_at: 2, sent_at: null, held_until: null });
    db.prepare("UPDATE alarm_deliveries SET status = 'skipped'").run();
    assert.throws(() => db.prepare("UPDATE alarm_deliveries SET status = 'lost'").run(), /CHECK/);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'alarm_deliveries' ORDER BY name").pluck().all();
    assert.deepEqual(indexes, ['alarm_deliveries_by_alarm', 'alarm_deliveries_due']);
    db.prepare('DELETE FROM alarms WHERE id = ?').run(alarmId);
    assert.equal(db.prepare('SELECT count(*) FROM alarm_deliveries').pluck().get(), 0, 'the foreign keys still cascade');
  } finally {
    db.close();
  }
});

test('quiet hours hold notifications, not alarms: when they end (injected sender clock) a still-open alarm is sent, an acknowledged one is skipped, and a clear is sent only to a channel told of the alarm', async () => {
  const hub = await startTestHub();
  const rx = await webhookReceiver(hub);
  allowHosts(hub, ['127.0.0.1']);
  const channel = await must<{ id: number }>(hub, 'alarmChannels.create', { name: 'pager', kind: 'webhook', url: `https://127.0.0.1:${rx.port}/hook` });
  // Quiet from an hour ago to an hour ahead, in the hub's local time: the hold is real, its end an hour away.
  const quietHours = { from: hhmm(Date.now() - 3_600_000), to: hhmm(Date.now() + 3_600_000) };
  const end = hoursEnd(quietHours, Date.now());
  const devices = ['cold-room', 'freezer'].map((label) => ({ label, ...addDevice(hub.db, { label }) }));
  for (const d of devices) {
    await must(hub, 'alarmRules.create', {
      name: `${d.label} warm`,
      spec: { scope: { kind: 'device', deviceId: d.device.id }, subject: { kind: 'variable', variable: 't' }, op: '>', levels: [{ severity: 'major', value: 0 }], channels: [channel.id], quietHours },
    });
    await sendReading(hub, d.token, d.label, 5);
  }
  await hub.services.alarms.flush();

  const alarms = await must<Array<{ id: number; deviceLabel: string; state: string }>>(hub, 'alarms.list', {});
  assert.deepEqual(alarms.map((a) => [a.deviceLabel, a.state]).sort(), [['cold-room', 'active'], ['freezer', 'active']], 'the alarms are raised and visible during quiet hours');
  const held = await deliveries(hub);
  assert.equal(held.length, 2);
  for (const d of held) assert.deepEqual([d.status, d.event, d.heldUntil, d.nextAt], ['pending', 'raised', end, end]);
  const freezer = alarms.find((a) => a.deviceLabel === 'freezer')!;
  await must(hub, 'alarms.ack', { alarmId: freezer.id, comment: 'seen on the screen' });
  await new Promise((r) => setTimeout(r, 2_500)); // a few sender ticks on the real clock
  assert.equal(rx.got.length, 0, 'nothing is sent during quiet hours');

  hub.services.alarmNotifications.setTiming({ clock: () => end + 1_000 });
  await hub.services.alarmNotifications.runOnce();
  await eventually(() => rx.got.length >= 1, 'the open alarm is sent when quiet hours end', 10_000);
  const byAlarm = (list: Awaited<ReturnType<typeof deliveries>>) => list.map((d) => [d.alarmId === freezer.id ? 'freezer' : 'cold-room', d.event, d.status, d.lastError]).sort();
  assert.deepEqual(byAlarm(await deliveries(hub)), [
    ['cold-room', 'raised', 'sent', null],
    ['freezer', 'acknowledged', 'skipped', 'held by quiet hours; the channel was never told of this alarm, so its acknowledged event is not sent'],
    ['freezer', 'raised', 'skipped', 'held by quiet hours; the alarm was acknowledged before they ended'],
  ]);

  // Both clear while it is still quiet (real clock): the cold room's channel was told, so its clear follows; the freezer's was not.
  for (const d of devices) await sendReading(hub, d.token, d.label, -5);
  await hub.services.alarms.flush();
  await hub.services.alarmNotifications.runOnce();
  await eventually(() => rx.got.length >= 2, 'the clear of the alarm the channel knew of', 10_000);
  await hub.services.alarmNotifications.runOnce();
  const after = byAlarm(await deliveries(hub));
  assert.deepEqual(after.filter((r) => r[1] === 'cleared'), [
    ['cold-room', 'cleared', 'sent', null],
    ['freezer', 'cleared', 'skipped', 'held by quiet hours; the channel was never told of this alarm, so its cleared event is not sent'],
  ]);
  assert.deepEqual(rx.got.map((r) => (JSON.parse(r.body) as { event: string; alarm: { device: { label: string } } })).map((b) => [b.event, b.alarm.device.label]), [
    ['raised', 'cold-room'],
    ['cleared', 'cold-room'],
  ]);
  rx.server.close();
});
