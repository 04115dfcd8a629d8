import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { deriveKey, keyCheckValue } from '../../src-main/security/derive';
import type { HubIdentity } from '../../src-main/security/hub-identity';
import { OsKeychain } from '../../src-main/security/secret-store';
import { createBackup } from '../../src-main/store/backup/create';
import { headerBytes, readBackupHeader } from '../../src-main/store/backup/format';
import { restoreBackup } from '../../src-main/store/backup/restore';
import { snapshotInto } from '../../src-main/store/backup/snapshot';
import Database from 'better-sqlite3-multiple-ciphers';
import { openDatabase, pageCipher } from '../../src-main/store/database';
import { latestVersion, migrations, migrate, schemaVersion } from '../../src-main/store/migrations';
import { tempDir } from '../helpers/tmp';

/** A data directory at the schema before the newest, keyed from a key file, backed up in-process. */
async function oldBackup() {
  const work = tempDir('outpost-restore-');
  const source = join(work, 'source');
  const hubId = randomUUID();
  const key = randomBytes(32);
  const kit = join(work, 'kit.key');
  writeFileSync(kit, `${key.toString('hex')}\n`, { mode: 0o600 });
  const identity: HubIdentity = { format: 1, hubId, createdAt: new Date().toISOString(), keySource: 'key-file', keyCheck: keyCheckValue(key, hubId) };
  mkdirSync(source, { mode: 0o700 });
  // As a hub made before retention: the file was created without incremental vacuum (the restore converts it).
  const raw = new Database(join(source, 'outpost.db'));
  raw.pragma(`cipher='${pageCipher}'`);
  raw.pragma(`hexkey='${deriveKey(key, hubId, 'database').toString('hex')}'`);
  raw.pragma('auto_vacuum = NONE');
  raw.pragma('user_version = 0');
  raw.close();
  const db = openDatabase({ file: join(source, 'outpost.db'), key: deriveKey(key, hubId, 'database') });
  migrate(db, migrations.slice(0, -1));
  assert.equal(db.pragma('auto_vacuum', { simple: true }), 0);
  db.prepare("INSERT INTO organisations (slug, name, created_at) VALUES ('plant', 'Plant', 0)").run();
  const file = join(work, 'old.backup');
  const result = await createBackup({ dataDir: source, identity, macKey: () => deriveKey(key, hubId, 'backup-manifest'), outpostVersion: 'test', snapshot: async (f) => snapshotInto(db, f) }, file);
  db.close();
  return { work, file, kit, result, hubId, key };
}

test('a backup from the previous schema is restored, migrated to this one and converted to incremental vacuum; its rows come back', async () => {
  const { work, file, kit, result, hubId, key } = await oldBackup();
  const previous = migrations.at(-2)!.version;
  assert.equal(result.manifest.schemaVersion, previous);
  const target = join(work, 'restored');
  const r = await restoreBackup({ file, dataDir: target, keyFile: kit, secretStore: new OsKeychain() });
  assert.deepEqual(r.schemaVersion, { backup: previous, restored: latestVersion });
  assert.equal(r.keySource, 'key-file');
  const db = openDatabase({ file: join(target, 'outpost.db'), key: deriveKey(key, hubId, 'database'), readonly: true });
  assert.equal(schemaVersion(db), latestVersion);
  assert.equal(db.pragma('auto_vacuum', { simple: true }), 2, 'the restore converted the file to incremental vacuum');
  assert.ok((db.prepare("SELECT count(*) FROM organisations WHERE slug = 'plant'").pluck().get() as number) === 1);
  db.close();
  assert.equal((JSON.parse(readFileSync(join(target, 'hub.json'), 'utf8')) as HubIdentity).hubId, hubId);
});

test('an edited manifest and a flipped byte in the snapshot are refused; nothing is created', async () => {
  const { work, file, kit } = await oldBackup();
  const { manifest, offset } = readBackupHeader(file);
  const bytes = readFileSync(file);
  const edited = join(work, 'edited.backup');
  writeFileSync(edited, Buffer.concat([headerBytes({ ...manifest, rowCounts: { ...manifest.rowCounts, organisations: 99 } }), bytes.subarray(offset)]));
  await assert.rejects(restoreBackup({ file: edited, dataDir: join(work, 'x'), keyFile: kit, secretStore: new OsKeychain() }), (e: Error & { code?: string }) => e.code === 'BACKUP_INVALID' && /changed after the backup/.test(e.message));
  const flipped = Buffer.from(bytes);
  flipped[offset + 5000] = flipped[offset + 5000]! ^ 0xff;
  const damaged = join(work, 'damaged.backup');
  writeFileSync(damaged, flipped);
  await assert.rejects(restoreBackup({ file: damaged, dataDir: join(work, 'y'), keyFile: kit, secretStore: new OsKeychain() }), (e: Error & { code?: string }) => e.code === 'BACKUP_INVALID' && /SHA-256/.test(e.message));
  await assert.rejects(restoreBackup({ file: join(work, 'nope.backup'), dataDir: join(work, 'z'), keyFile: kit, secretStore: new OsKeychain() }), (e: Error & { code?: string }) => e.code === 'BACKUP_INVALID');
  for (const d of ['x', 'y', 'z']) assert.ok(!existsSync(join(work, d)));
  assert.ok(!readdirSync(work).some((n) => n.includes('.restore-')), 'no staging folder left');
});
