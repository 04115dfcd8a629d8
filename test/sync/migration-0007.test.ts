import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase, type Db } from '../../src-main/store/database';
import { migrate, migrations, schemaVersion } from '../../src-main/store/migrations';
import { findSiteDevice } from '../../src-main/sync/queries/sync-site-devices';
import { tempDir } from '../helpers/tmp';

function freshDb(): Db {
  return openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
}

const columns = (db: Db, table: string) => (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[]).sort();

test('migration 7 on a fresh database: the site-device mapping, dead letters, the organisation of logged commands', () => {
  const db = freshDb();
  migrate(db);
  assert.ok(schemaVersion(db) >= 7);
  assert.deepEqual(columns(db, 'sync_site_devices'), ['device_id', 'site_label', 'site_org', 'site_ref']);
  assert.deepEqual(columns(db, 'sync_dead_letters'), ['at', 'device', 'id', 'org', 'reason', 'seq', 'source', 'ts', 'variable']);
  assert.ok(columns(db, 'sync_command_log').includes('org'));
  db.close();
});

test("migration 7 on version 5 data: the devices format v1 sites created are mapped to each site's first organisation, nothing else", () => {
  const db = freshDb();
  migrate(
    db,
    migrations.filter((m) => m.version <= 5),
  );
  assert.equal(schemaVersion(db), 5);
  const now = 1_750_000_000_000;
  db.prepare("INSERT INTO organisations (slug, name, created_at) VALUES ('other', 'Other', ?)").run(now);
  // "_" is a LIKE wildcard: the backfill must not take "plantx2.meter" for a device of site "plant_2".
  const site = Number(db.prepare("INSERT INTO sync_sites (org_id, site_id, token_hash, hint, created_at) VALUES (1, 'plant_2', x'01', 'h', ?)").run(now).lastInsertRowid);
  const device = (orgId: number, label: string) => Number(db.prepare('INSERT INTO devices (org_id, label, name, created_at) VALUES (?, ?, ?, ?)').run(orgId, label, label, now).lastInsertRowid);
  const boiler = device(1, 'plant_2.boiler-1');
  const dotted = device(1, 'plant_2.a.b:c');
  device(1, 'plantx2.meter');
  device(1, 'plant_2');
  device(2, 'plant_2.elsewhere'); // another organisation of this hub than the site's
  db.prepare("INSERT INTO sync_command_log (at, side, site_id, command_id, device, outcome, detail) VALUES (?, 'site', 'plant_2', 'c1', 'boiler-1', 'queued', 'x')").run(now);

  migrate(db);
  assert.ok(schemaVersion(db) >= 7);
  const mapped = db.prepare('SELECT device_id, site_ref, site_org, site_label FROM sync_site_devices ORDER BY device_id').all();
  assert.deepEqual(mapped, [
    { device_id: boiler, site_ref: site, site_org: 'default', site_label: 'boiler-1' },
    { device_id: dotted, site_ref: site, site_org: 'default', site_label: 'a.b:c' },
  ]);
  assert.equal(findSiteDevice(db, site, 'default', 'boiler-1')?.label, 'plant_2.boiler-1', 'v1 and v2 readings of the first organisation keep their device');
  assert.deepEqual(db.prepare('SELECT org, device FROM sync_command_log').all(), [{ org: null, device: 'boiler-1' }]);
  assert.equal(db.prepare('SELECT count(*) FROM sync_dead_letters').pluck().get(), 0);
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  db.close();
});
