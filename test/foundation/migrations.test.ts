import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { HubError } from '../../src-main/errors';
import { openDatabase, type Db } from '../../src-main/store/database';
import { checkRegistry, latestVersion, migrate, migrations, schemaVersion, type Migration } from '../../src-main/store/migrations';
import { tempDir } from '../helpers/tmp';

function freshDb(): Db {
  return openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
}

function tables(db: Db): string[] {
  return db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
}

test('every prefix of the registry applies cleanly to a fresh encrypted database', () => {
  assert.ok(migrations.length > 0);
  for (let n = 1; n <= migrations.length; n++) {
    const prefix = migrations.slice(0, n);
    const db = freshDb();
    try {
      assert.deepEqual(migrate(db, prefix), { from: 0, to: prefix.at(-1)!.version });
      assert.equal(schemaVersion(db), prefix.at(-1)!.version);
      assert.deepEqual(migrate(db, prefix), { from: prefix.at(-1)!.version, to: prefix.at(-1)!.version }, 'a second run is a no-op');
      // The rest of the registry then applies on top of the prefix.
      assert.deepEqual(migrate(db), { from: prefix.at(-1)!.version, to: latestVersion });
      assert.deepEqual(db.pragma('foreign_key_check'), []);
    } finally {
      db.close();
    }
  }
  const db = freshDb();
  migrate(db);
  for (const t of ['settings', 'organisations', 'devices', 'variables', 'readings']) assert.ok(tables(db).includes(t), `table ${t}`);
  db.close();
});

test('the registry check rejects versions that do not increase', () => {
  const m = (version: number, name = `m${version}`): Migration => ({ version, name, up: () => undefined });
  assert.doesNotThrow(() => checkRegistry(migrations));
  assert.doesNotThrow(() => checkRegistry([m(1), m(2), m(5)]));
  assert.throws(() => checkRegistry([m(2), m(1)]), /versions must increase/);
  assert.throws(() => checkRegistry([m(1), m(1, 'again')]), /again has version 1/);
  assert.throws(() => checkRegistry([m(0)]), /versions must increase/);
  assert.throws(() => checkRegistry([m(1), m(1.5)]), /versions must increase/);
  assert.throws(() => migrate(freshDb(), [m(2), m(1)]), /versions must increase/, 'migrate checks before it touches anything');
});

test('a database newer than the newest migration is refused and not touched', () => {
  const db = freshDb();
  migrate(db);
  db.pragma(`user_version = ${latestVersion + 1}`);
  assert.throws(
    () => migrate(db),
    (err: unknown) => err instanceof HubError && err.code === 'DB_NEWER_VERSION' && /newer version/.test(err.message) && /backup/.test(err.hint),
  );
  assert.equal(schemaVersion(db), latestVersion + 1);
  db.close();
});

test('a migration that throws is rolled back whole: no partial schema, user_version unchanged', () => {
  const db = freshDb();
  migrate(db);
  const broken: Migration = {
    version: latestVersion + 1,
    name: 'broken',
    up(d) {
      d.exec('CREATE TABLE half_done (x INTEGER) STRICT');
      d.exec("INSERT INTO settings (key, value, updated_at) VALUES ('half', 'done', 0)");
      throw new Error('migration failed midway');
    },
  };
  assert.throws(() => migrate(db, [...migrations, broken]), /migration failed midway/);
  assert.equal(schemaVersion(db), latestVersion);
  assert.ok(!tables(db).includes('half_done'));
  assert.equal(db.prepare("SELECT count(*) FROM settings WHERE key = 'half'").pluck().get(), 0);
  db.close();
});
