import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase, type Db } from '../../src-main/store/database';
import { migrate, migrations, schemaVersion } from '../../src-main/store/migrations';
import { alarmOutboxStatements, insertAlarmOutbox } from '../../src-main/sync/queries/sync-alarm-outbox';
import { insertSiteAlarms, listSiteAlarms } from '../../src-main/sync/queries/sync-site-alarms';
import type { SyncAlarmEvent } from '../../src-shared/sync-alarms';
import { tempDir } from '../helpers/tmp';

const freshDb = (): Db => openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
const columns = (db: Db, table: string) => (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[]).sort();
const now = 1_750_000_000_000;
const origin = '3f2c9a4e-1b7d-4e0a-9c55-0d8f6a2b7e11';
const event = (seq: number, kind: SyncAlarmEvent['event']): SyncAlarmEvent => ({
  seq, alarmId: 7, event: kind, at: now + seq, org: 'default', device: 'boiler-1', variable: 'seq', rule: 'hot', severity: 'major',
  state: kind === 'cleared' ? 'cleared' : 'active', value: 6, peak: 9, startedAt: now, endedAt: kind === 'cleared' ? now + seq : null, acknowledged: null,
});

test('migration 18 on a fresh database: the alarm outbox and the site alarms, stored once per (site, origin, alarm, seq)', () => {
  const db = freshDb();
  migrate(db);
  assert.ok(schemaVersion(db) >= 18);
  assert.deepEqual(columns(db, 'sync_alarm_outbox'), ['alarm_id', 'event', 'payload', 'queued_at', 'seq']);
  assert.deepEqual(columns(db, 'sync_site_alarms'), ['alarm_id', 'at', 'device', 'event', 'id', 'org', 'origin', 'payload', 'received_at', 'seq', 'site_ref']);
  const outbox = alarmOutboxStatements(db);
  const a = insertAlarmOutbox(db, { alarmId: 7, event: 'raised', payload: '{}', now });
  const b = insertAlarmOutbox(db, { alarmId: 7, event: 'cleared', payload: '{}', now });
  assert.equal(outbox.markSent(a, b), 2);
  // Seqs are never reused (AUTOINCREMENT): an event queued after a sent one never takes its key.
  assert.ok(insertAlarmOutbox(db, { alarmId: 8, event: 'raised', payload: '{}', now }) > b);
  db.close();
});

test('migration 18 on version 17 data: sites, their devices and readings stay; events of a mapped device are listed to its organisation only', () => {
  const db = freshDb();
  migrate(db, migrations.filter((m) => m.version <= 17));
  assert.equal(schemaVersion(db), 17);
  db.prepare("INSERT INTO organisations (slug, name, created_at) VALUES ('other', 'Other', ?)").run(now);
  const site = Number(db.prepare("INSERT INTO sync_sites (org_id, site_id, token_hash, hint, created_at) VALUES (1, 'plant3', x'01', 'h', ?)").run(now).lastInsertRowid);
  const device = Number(db.prepare("INSERT INTO devices (org_id, label, name, created_at) VALUES (1, 'plant3.boiler-1', 'b', ?)").run(now).lastInsertRowid);
  db.prepare("INSERT INTO sync_site_devices (device_id, site_ref, site_org, site_label) VALUES (?, ?, 'default', 'boiler-1')").run(device, site);
  const before = { sites: db.prepare('SELECT * FROM sync_sites').all(), devices: db.prepare('SELECT * FROM sync_site_devices').all() };

  migrate(db);
  assert.ok(schemaVersion(db) >= 18);
  assert.deepEqual({ sites: db.prepare('SELECT * FROM sync_sites').all(), devices: db.prepare('SELECT * FROM sync_site_devices').all() }, before);
  assert.equal(insertSiteAlarms(db, site, origin, [event(1, 'raised'), event(2, 'cleared')], now), 2);
  assert.equal(insertSiteAlarms(db, site, origin, [event(1, 'raised'), event(2, 'cleared')], now), 0, 'a replay stores nothing');
  assert.deepEqual(listSiteAlarms(db, { orgId: 1, deviceIds: [device], limit: 10 }).map((e) => [e.site, e.seq, e.event, e.deviceId]), [['plant3', 2, 'cleared', device], ['plant3', 1, 'raised', device]]);
  assert.deepEqual(listSiteAlarms(db, { orgId: 2, deviceIds: [device], limit: 10 }), [], 'another organisation of the hub');
  assert.deepEqual(listSiteAlarms(db, { orgId: 1, deviceIds: [], limit: 10 }), [], 'a caller who may not see the device');
  // Revoking is not deleting; removing a site removes its events.
  db.prepare('DELETE FROM sync_site_devices').run();
  db.prepare('DELETE FROM sync_sites WHERE id = ?').run(site);
  assert.equal(db.prepare('SELECT count(*) FROM sync_site_alarms').pluck().get(), 0);
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  db.close();
});
