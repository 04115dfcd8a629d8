import assert from 'node:assert/strict';
import { closeSync, copyFileSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createUser } from '../../src-main/access/users';
import { rowHash } from '../../src-main/audit/chain';
import { lastAuditEntry } from '../../src-main/audit/queries/audit-log';
import { writeSetting } from '../../src-main/settings/queries/settings';
import { readBackupHeader } from '../../src-main/store/backup/format';
import { databasePath } from '../../src-main/lifecycle/data-dir';
import { openDatabase, type Db } from '../../src-main/store/database';
import { deriveKey } from '../../src-main/security/derive';
import { runCli } from '../helpers/cli';
import { openSecondConnection, startTestHub, testHubMasterKey } from '../helpers/hub';
import { tempDir } from '../helpers/tmp';
import { cliCaller, rpc } from '../access/helpers';

const password = 'erasure test passphrase';
const email = 'lena.leaver@example.com';
const name = 'Lena Leaverson';

/** Every text and blob value of every column of every table that contains one of the needles (case-insensitive). */
function hitsIn(db: Db, needles: string[]): string[] {
  const hits: string[] = [];
  const lower = needles.map((n) => n.toLowerCase());
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[];
  for (const { name: table } of tables) {
    const columns = db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[];
    // Table and column names come from the schema, not input.
    for (const row of db.prepare(`SELECT * FROM "${table}"`).iterate() as Iterable<Record<string, unknown>>) {
      for (const { name: column } of columns) {
        const v = row[column];
        const text = typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('latin1') : '';
        if (lower.some((n) => text.toLowerCase().includes(n))) hits.push(`${table}.${column}`);
      }
    }
  }
  return hits;
}

/**
 * The plaintext of an encrypted database file: a copy, opened with the key and
 * re-keyed to no key. SQLite3MultipleCiphers rebuilds the file when the
 * page's reserved bytes change (AEGIS keeps a tag there), so this shows the
 * live content, not what free space might still hold.
 */
function plainBytes(file: string, key: Buffer, work: string): Buffer {
  const copy = join(work, `plain-${Math.random().toString(36).slice(2)}.db`);
  copyFileSync(file, copy);
  const db = openDatabase({ file: copy, key });
  db.pragma('journal_mode = DELETE');
  db.pragma("rekey = ''");
  db.close();
  return readFileSync(copy);
}

test('erasure: export, then erase; the audit chain verifies; the name and email are nowhere in the database (any column; the decrypted file) nor in a new backup; another organisation’s owner cannot erase', async () => {
  const hub = await startTestHub();
  const ctx = hub.services.access;
  const base = { url: `https://127.0.0.1:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
  const work = tempDir('outpost-erasure-');
  const dbKey = deriveKey(testHubMasterKey(hub), hub.identity.hubId, 'database');
  const cliArgs = ['--data-dir', hub.config.dataDir, '--key-file', hub.config.keyFile!];
  const login = async (who: string) => ((await rpc(base, 'auth.login', { email: who, password })).body.result as { token: string }).token;

  await createUser(ctx, cliCaller(1), { email: 'owner@example.com', role: 'owner', password });
  const orgB = (await hub.registry.call('orgs.create', { slug: 'beta', name: 'Beta' }, { origin: 'cli', principal: { kind: 'cli', osUser: 'test', orgId: 1 } })) as { ok: true; value: { id: number } };
  const otherOwner = await createUser(ctx, cliCaller(orgB.value.id), { email: 'other-owner@example.com', role: 'owner', password });
  const person = await createUser(ctx, cliCaller(1), { email, name, role: 'writer', password });
  // Their own activity (sessions, address seen, rows by them) and rows about them.
  const personToken = await login(email);
  const ownerToken = await login('owner@example.com');
  assert.equal((await rpc(base, 'users.update', { id: person.id, role: 'reader' }, ownerToken)).status, 200);
  assert.equal((await rpc(base, 'auth.login', { email, password: 'wrong passphrase!!' })).status, 401);
  assert.equal((await rpc(base, 'users.invite', { email, role: 'reader' }, ownerToken)).status, 409);
  // A row written before format 3 (it hashes the email itself): erasure seals it first.
  const auditKey = ctx.keys.audit;
  const last = lastAuditEntry(hub.db)!;
  const legacy = { id: last.id + 1, ts: Date.now(), actor: 'cli:old', action: 'users.create', target: `user:${person.id}`, targetLabel: email, orgId: 1, outcome: 'ok', address: 'cli', format: 2, detailText: '{}', pfCommit: null };
  const legacyHash = rowHash(auditKey, last.hash, legacy);
  hub.db
    .prepare("INSERT INTO audit_log (id, ts, actor, action, target, target_label, org_id, outcome, address, detail, prev_hash, hash, format) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '{}', ?, ?, 2)")
    .run(legacy.id, legacy.ts, legacy.actor, legacy.action, legacy.target, legacy.targetLabel, 1, 'ok', 'cli', last.hash, legacyHash);
  writeSetting(hub.db, 'audit.head', { id: legacy.id, hash: legacyHash.toString('hex') }, Date.now());
  assert.equal((await runCli(['audit', 'verify', ...cliArgs])).code, 0, 'the chain verifies with the older row in it');

  const exported = await rpc(base, 'users.exportData', { id: person.id }, ownerToken);
  assert.equal(exported.status, 200);
  assert.ok(JSON.stringify(exported.body).includes(email), 'the export holds their data');
  const second = openSecondConnection(hub);
  assert.ok(hitsIn(second, [email]).length > 3, 'before: the email is in several tables');

  // Who may not: another organisation's owner (not found), the person themself, an app.
  const byOther = await rpc(base, 'users.erase', { id: person.id }, await login('other-owner@example.com'));
  assert.deepEqual([byOther.status, byOther.body.code], [404, 'NOT_FOUND']);
  const bySelf = await rpc(base, 'users.erase', { id: person.id }, personToken);
  assert.deepEqual([bySelf.status, bySelf.body.code], [403, 'FORBIDDEN']);
  // The last owner of an organisation is never erased.
  const lastOwner = await hub.registry.call('users.erase', { id: otherOwner.id }, { origin: 'cli', principal: { kind: 'cli', osUser: 'test', orgId: orgB.value.id } });
  assert.equal(lastOwner.ok, false);
  assert.equal((lastOwner as { error: { code: string } }).error.code, 'LAST_OWNER');
  assert.ok(hitsIn(second, [email]).length > 3, 'refusals changed nothing');

  const erased = await rpc(base, 'users.erase', { id: person.id }, ownerToken);
  assert.equal(erased.status, 200, JSON.stringify(erased.body));
  const result = erased.body.result as { auditRows: number; checkpointed: boolean };
  assert.ok(result.auditRows >= 5, `audit rows by and about them: ${result.auditRows}`);
  assert.equal((await rpc(base, 'auth.me', {}, personToken)).status, 401, 'their sessions are gone');

  const verify = await runCli(['audit', 'verify', ...cliArgs]);
  assert.equal(verify.code, 0, `outpost audit verify after erasure: ${verify.stdout}${verify.stderr}`);
  const row = second.prepare("SELECT target, target_label FROM audit_log WHERE action = 'users.erase' AND outcome = 'ok'").get() as { target: string; target_label: string | null };
  assert.deepEqual(row, { target: `user:${person.id}`, target_label: null }, 'the erasure row names the person by id only');
  assert.deepEqual(hitsIn(second, [email, name]), [], 'no column of any table holds the email or the name');
  assert.ok(hitsIn(second, ['owner@example.com']).length > 0, 'the scan does find what is there');

  // The raw bytes, decrypted: the live file (checkpointed by the erasure) and a VACUUM INTO copy.
  assert.equal(result.checkpointed, true, 'the write-ahead log was emptied');
  const live = plainBytes(databasePath(hub.config.dataDir), dbKey, work);
  assert.ok(live.includes('owner@example.com'), 'the decrypted file is readable');
  assert.equal(live.includes(email), false, 'the email is not in the decrypted database file');
  assert.equal(live.includes(name), false, 'nor the name');
  const vacuumed = join(work, 'vacuumed.db');
  second.prepare('VACUUM INTO ?').run(vacuumed);
  const copy = plainBytes(vacuumed, dbKey, work);
  assert.ok(copy.includes('owner@example.com'));
  assert.equal(copy.includes(email), false, 'nor in a VACUUM INTO copy');

  // A backup taken now does not hold it either.
  const backupFile = join(work, 'after.backup');
  const backup = await runCli(['backup', '--to', backupFile, ...cliArgs]);
  assert.equal(backup.code, 0, backup.stderr);
  const { manifest, offset } = readBackupHeader(backupFile);
  const snapshot = Buffer.alloc(manifest.database.bytes);
  const fd = openSync(backupFile, 'r');
  readSync(fd, snapshot, 0, snapshot.length, offset);
  closeSync(fd);
  const snapshotFile = join(work, 'snapshot.db');
  writeFileSync(snapshotFile, snapshot);
  const restored = openDatabase({ file: snapshotFile, key: dbKey, readonly: true });
  assert.deepEqual(hitsIn(restored, [email, name]), [], 'the backup holds neither in any column');
  restored.close();
  const backupPlain = plainBytes(snapshotFile, dbKey, work);
  assert.ok(backupPlain.includes('owner@example.com'));
  assert.equal(backupPlain.includes(email), false, 'nor on any page');
});
