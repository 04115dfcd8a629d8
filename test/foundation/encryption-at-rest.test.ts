import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createHub } from '../../src-main/hub';
import { issueToken } from '../../src-main/security/tokens';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';
import { quietHubConfig } from './fixture';

function assertNoneIn(file: string, needles: string[]): void {
  const bytes = readFileSync(file);
  for (const needle of needles) {
    for (const encoding of ['utf8', 'utf16le'] as const) {
      assert.equal(bytes.indexOf(Buffer.from(needle, encoding)), -1, `${file} contains "${needle}" (${encoding})`);
    }
  }
}

test('the database and its WAL hold none of the plaintext written through the hub; TLS keys are sealed', async () => {
  const dataDir = join(tempDir(), 'data');
  forgetKeychainEntryAfter(dataDir);
  const token = issueToken('device').token;
  const secrets = ['greenhouse-sensor-42', 'Greenhouse humidity probe', 'Tomato Ridge Farm', token, 'soil-moisture-percent', 'calibrated by Ana'];

  const hub = await createHub(quietHubConfig(dataDir));
  const db = hub.db;
  const now = Date.now();
  const device = db
    .prepare('INSERT INTO devices (org_id, label, name, created_at) VALUES (1, ?, ?, ?)')
    .run('greenhouse-sensor-42', 'Greenhouse humidity probe', now).lastInsertRowid;
  const variable = db.prepare('INSERT INTO variables (device_id, label, created_at) VALUES (?, ?, ?)').run(device, 'soil-moisture-percent', now).lastInsertRowid;
  const insert = db.prepare('INSERT INTO readings (variable_id, ts, value, context, received_at) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 200; i++) insert.run(variable, now + i, i / 3, JSON.stringify({ note: 'calibrated by Ana' }), now);
  })();
  db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run('site.name', 'Tomato Ridge Farm', now);
  db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run('upstream.token', token, now);

  // While the hub runs, the new pages sit in the WAL: it must be ciphertext too.
  const wal = join(dataDir, 'outpost.db-wal');
  assert.ok(existsSync(wal) && statSync(wal).size > 0, 'the writes are in the WAL');
  assertNoneIn(wal, [...secrets, 'SQLite format 3']);
  await hub.stop();

  const file = join(dataDir, 'outpost.db');
  assertNoneIn(file, [...secrets, 'CREATE TABLE', 'readings']);
  assert.notEqual(readFileSync(file).subarray(0, 16).toString('latin1'), 'SQLite format 3\0', 'no plain SQLite header');
  if (existsSync(wal)) assertNoneIn(wal, secrets);

  const tls = join(dataDir, 'tls');
  const keyFiles = readdirSync(tls).filter((n) => n.includes('key'));
  assert.deepEqual(keyFiles.sort(), ['ca.key.sealed', 'server.key.sealed']);
  for (const name of keyFiles) {
    assertNoneIn(join(tls, name), ['PRIVATE KEY', 'BEGIN']);
    assert.equal(statSync(join(tls, name)).mode & 0o777, 0o600, `${name} is owner-only`);
  }
  assert.match(hub.tls.keyPem, /PRIVATE KEY/, 'the hub itself had the key in PEM form: the check above can fail');
});
