import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { allRetentionPolicies, saveRetentionPolicy } from '../../src-main/settings/queries/retention-policies';
import { openDatabase } from '../../src-main/store/database';
import { migrate, migrations, schemaVersion } from '../../src-main/store/migrations';
import { tempDir } from '../helpers/tmp';

test('migration 0010 (retention) on the previous version’s data: organisations get the default policies, a saved policy is kept', () => {
  const db = openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
  const previous = migrations.filter((m) => m.version < 10);
  migrate(db, previous);
  db.prepare("INSERT INTO organisations (slug, name, created_at) VALUES ('plant', 'Plant', 0), ('depot', 'Depot', 0)").run();
  db.prepare("INSERT INTO mqtt_sessions (client_id, remote_address, connected_at, disconnected_at) VALUES ('c', '127.0.0.1', 0, 1)").run();
  migrate(db);
  assert.equal(schemaVersion(db), migrations.at(-1)!.version);
  const policies = allRetentionPolicies(db);
  assert.ok(policies.length >= 2);
  for (const p of policies) assert.deepEqual([p.rawDays, p.rollup1mDays, p.rollup1hDays], [90, 365, null], 'every organisation starts with the defaults');
  const plantId = db.prepare("SELECT id FROM organisations WHERE slug = 'plant'").pluck().get() as number;
  const plant = policies.find((p) => p.orgId === plantId);
  saveRetentionPolicy(db, { ...plant!, rawDays: 30 }, 1);
  assert.equal(allRetentionPolicies(db).find((p) => p.orgId === plantId)!.rawDays, 30);
  assert.equal(db.prepare('SELECT count(*) FROM mqtt_sessions').pluck().get(), 1);
  assert.throws(() => db.prepare('INSERT INTO retention_policies (org_id, raw_days, updated_at) VALUES (?, 0, 0)').run(plantId), /CHECK/);
  db.close();
});
