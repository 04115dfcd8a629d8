import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { issueToken } from '../../src-main/security/tokens';
import { openDatabase } from '../../src-main/store/database';
import { latestVersion, migrate, migrations, schemaVersion } from '../../src-main/store/migrations';
import { refusalStatements, refusalsKept, refusalsOfDevice, type NewRefusal } from '../../src-main/ingest/queries/refusals';
import { refusalText } from '../../src-main/ingest/refusal-recorder';
import { tempDir } from '../helpers/tmp';

function database() {
  const db = openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
  after(() => db.close());
  return db;
}

const row = (over: Partial<NewRefusal> = {}): NewRefusal => ({ at: 1, orgId: 1, deviceId: null, deviceLabel: 'probe-1', protocol: 'mqtt', reason: 'bad_json', target: '/v1.6/devices/probe-1', excerpt: '{', message: 'bad', address: '127.0.0.1', count: 1, ...over });

test('migration 0011 on a version-8 database keeps its data, links refusals to devices by label and survives a device’s removal', () => {
  const db = database();
  migrate(db, migrations.filter((m) => m.version <= 8));
  assert.equal(schemaVersion(db), 8);
  db.prepare("INSERT INTO devices (org_id, label, name, created_at) VALUES (1, 'probe-1', 'Probe', 0)").run();
  migrate(db);
  assert.equal(schemaVersion(db), latestVersion);
  const deviceId = db.prepare("SELECT id FROM devices WHERE label = 'probe-1'").pluck().get() as number;
  refusalStatements(db).append([row(), row({ deviceLabel: 'unknown-1' })]);
  assert.equal(refusalsOfDevice(db, deviceId, 10).length, 1, 'the label found its device in its organisation');
  db.prepare('DELETE FROM devices WHERE id = ?').run(deviceId);
  assert.equal(db.prepare('SELECT count(*) FROM refusals').pluck().get(), 2, 'refusals outlive the device (its link is cleared)');
});

test('the refusal log is bounded: the oldest rows go first', () => {
  const db = database();
  migrate(db);
  const statements = refusalStatements(db);
  for (let i = 0; i < refusalsKept + 100; i += 50) statements.append(Array.from({ length: 50 }, (_, j) => row({ at: i + j })));
  assert.equal(db.prepare('SELECT count(*) FROM refusals').pluck().get(), refusalsKept);
  assert.equal(db.prepare('SELECT min(at) FROM refusals').pluck().get(), 100);
});

test('refusal text never keeps a token, shows control characters and stays short', () => {
  const { token } = issueToken('device');
  const kept = refusalText(Buffer.from(`{"token": "${token}", "x": "\u0007"}${'y'.repeat(1000)}`), 200);
  assert.ok(!kept.includes(token.slice(4)), kept);
  assert.ok(kept.includes('\\u0007'));
  assert.ok(kept.length < 240, `${kept.length} characters`);
  assert.ok(!refusalText(`/api/v1.6/devices/x?token=${token}`, 200).includes(token.slice(4)));
});
