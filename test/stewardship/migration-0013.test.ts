import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { appendAudit, rowHash, verifyAuditChain } from '../../src-main/audit/chain';
import { eraseAuditPersonalFields } from '../../src-main/audit/erase';
import { writeSetting } from '../../src-main/settings/queries/settings';
import { openDatabase, type Db } from '../../src-main/store/database';
import { migrate, migrations, schemaVersion } from '../../src-main/store/migrations';
import { tempDir } from '../helpers/tmp';

const key = randomBytes(32);
const email = 'old.person@example.com';

/** Appends a format-2 row as the previous version wrote it (its hash covers the label and the address). */
function appendFormat2(db: Db, id: number, prev: Buffer, targetLabel: string, address: string): Buffer {
  const row = { id, ts: 1000 + id, actor: 'user:5', action: 'users.update', target: 'user:5', targetLabel, orgId: 1, outcome: 'ok', address, format: 2, detailText: '{}', pfCommit: null };
  const hash = rowHash(key, prev, row);
  db.prepare("INSERT INTO audit_log (id, ts, actor, action, target, target_label, org_id, outcome, address, detail, prev_hash, hash, format) VALUES (?, ?, ?, ?, ?, ?, 1, 'ok', ?, '{}', ?, ?, 2)").run(
    id, row.ts, row.actor, row.action, row.target, targetLabel, address, prev, hash,
  );
  writeSetting(db, 'audit.head', { id, hash: hash.toString('hex') }, row.ts);
  return hash;
}

test('migration 0013 on the previous version’s audit rows: they still verify; erasure seals and blanks them and the chain still verifies; an edited row is not laundered', () => {
  const db = openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
  migrate(db, migrations.filter((m) => m.version < 13));
  const h1 = appendFormat2(db, 1, Buffer.alloc(32), email, '192.0.2.7');
  appendFormat2(db, 2, h1, 'someone.else@example.com', '192.0.2.8');
  migrate(db);
  assert.equal(schemaVersion(db), migrations.at(-1)!.version);
  assert.deepEqual(verifyAuditChain(db, key).problems, [], 'older rows verify after the migration');
  // New rows are format 3 and commit to the personal fields.
  appendAudit(db, key, { actor: 'user:5', action: 'auth.login', target: 'user:5', targetLabel: email, orgId: 1, outcome: 'ok', address: '192.0.2.7' }, 5000);
  assert.equal(db.prepare('SELECT format FROM audit_log WHERE id = 3').pluck().get(), 3);
  assert.deepEqual(verifyAuditChain(db, key).problems, []);

  // Editing a format-3 row's label is caught through the commitment.
  db.prepare("UPDATE audit_log SET target_label = 'x@example.com' WHERE id = 3").run();
  assert.deepEqual(verifyAuditChain(db, key).problems.map((p) => [p.id, p.problem]), [[3, 'edited']]);
  assert.deepEqual(eraseAuditPersonalFields(db, key, 'user:5', email), { rows: 0, broken: 3 }, 'an edited row is not erased (that would hide the edit)');
  db.prepare('UPDATE audit_log SET target_label = ? WHERE id = 3').run(email);

  const erased = db.transaction(() => eraseAuditPersonalFields(db, key, 'user:5', email))();
  assert.deepEqual(erased, { rows: 3, broken: null });
  assert.deepEqual(verifyAuditChain(db, key).problems, [], 'the chain verifies after erasure, the sealed older rows too');
  assert.equal(db.prepare('SELECT count(*) FROM audit_log WHERE target_label LIKE ? OR address LIKE ?').pluck().get('%old.person%', '192.0.2.7'), 0);

  // Blanking a row without the audit key is not an erasure: it is reported.
  appendAudit(db, key, { actor: 'user:6', action: 'auth.login', target: 'user:6', targetLabel: 'kept@example.com', orgId: 1, outcome: 'ok', address: '192.0.2.9' }, 6000);
  db.prepare("UPDATE audit_log SET target_label = NULL, address = '', pf_salt = NULL WHERE id = 4").run();
  assert.deepEqual(verifyAuditChain(db, key).problems.map((p) => [p.id, p.problem]), [[4, 'edited']]);
  db.close();
});

test('migration 0013 on a fresh database', () => {
  const db = openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
  migrate(db);
  const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').all('audit_log') as { name: string }[]).map((c) => c.name);
  for (const c of ['pf_salt', 'pf_commit', 'erased_mac', 'legacy_mac']) assert.ok(columns.includes(c), c);
  db.close();
});
