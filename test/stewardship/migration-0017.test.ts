import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../src-main/store/database';
import { migrate, migrations, schemaVersion } from '../../src-main/store/migrations';
import { receivedStatements } from '../../src-main/sync/queries/sync-received';
import { tempDir } from '../helpers/tmp';

test('migration 0017 (sync receipts get their time) on the previous version’s receipts: kept, dated at the upgrade, still de-duplicating; on a fresh database too', () => {
  const db = openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
  migrate(db, migrations.filter((m) => m.version < 17));
  db.prepare("INSERT INTO sync_sites (org_id, site_id, token_hash, hint, created_at) VALUES (1, 'plant2', x'00', 'h', 0)").run();
  db.prepare("INSERT INTO sync_origins (site_ref, origin) VALUES (1, 'o')").run();
  db.prepare('INSERT INTO sync_received (origin_ref, seq) VALUES (1, 1), (1, 2)').run();
  const before = Date.now();
  migrate(db);
  assert.equal(schemaVersion(db), migrations.at(-1)!.version);
  const rows = db.prepare('SELECT seq, at FROM sync_received ORDER BY seq').all() as { seq: number; at: number }[];
  assert.deepEqual(rows.map((r) => r.seq), [1, 2]);
  for (const r of rows) assert.ok(r.at >= before - 2000 && r.at <= Date.now() + 2000, `dated at the upgrade: ${r.at}`);
  const received = receivedStatements(db);
  assert.ok(received.has(1, 2));
  received.record(1, 3, 42);
  assert.equal(db.prepare('SELECT at FROM sync_received WHERE seq = 3').pluck().get(), 42);
  assert.throws(() => received.record(1, 3), /UNIQUE|PRIMARY/);
  db.close();

  const fresh = openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
  migrate(fresh);
  assert.ok((fresh.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'sync_received_at'").pluck().get() as number) === 1);
  fresh.close();
});
