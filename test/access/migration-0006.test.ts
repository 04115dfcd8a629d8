import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { appendAudit, verifyAuditChain } from '../../src-main/audit/chain';
import { openDatabase } from '../../src-main/store/database';
import { migrate, migrations } from '../../src-main/store/migrations';
import { tempDir } from '../helpers/tmp';

const before = migrations.filter((m) => m.version < 6);
const upTo6 = migrations.filter((m) => m.version <= 6);

test('migration 6 on a fresh database: the access tables and columns exist', () => {
  const db = openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
  try {
    migrate(db, upTo6);
    const columns = (table: string) => (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[]);
    for (const c of ['hub_admin', 'home_org_id', 'totp_last_step']) assert.ok(columns('users').includes(c), c);
    for (const c of ['creator_kind', 'creator_id']) assert.ok(columns('apps').includes(c), c);
    for (const c of ['scopes', 'device_ids', 'creator_kind', 'creator_id']) assert.ok(columns('api_keys').includes(c), c);
    for (const c of ['org_id', 'target_label', 'format']) assert.ok(columns('audit_log').includes(c), c);
    assert.ok(columns('invitations').includes('code_hash'));
  } finally {
    db.close();
  }
});

test('migration 6 on version 5 data: hub owners, home organisations, app makers and API-key scopes are filled in; the old audit chain still verifies and grows', () => {
  const db = openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
  const auditKey = randomBytes(32);
  try {
    migrate(db, before);
    db.exec(`
      INSERT INTO organisations (id, slug, name, created_at) VALUES (2, 'beta', 'Beta', 0);
      INSERT INTO users (id, email, name, created_at) VALUES (1, 'owner@example.com', 'Owner', 0), (2, 'beta-owner@example.com', 'B', 0), (3, 'both@example.com', 'Both', 0);
      INSERT INTO memberships (user_id, org_id, role) VALUES (1, 1, 'owner'), (2, 2, 'owner'), (3, 2, 'reader'), (3, 1, 'writer');
      INSERT INTO apps (org_id, name, token_hash, hint, scopes, created_by, created_at) VALUES (1, 'made-by-owner', x'01', 'h', '["devices:read"]', 1, 0), (1, 'made-by-app', x'02', 'h', '["devices:read"]', NULL, 0);
      INSERT INTO api_keys (org_id, name, key_hash, hint, created_at) VALUES (1, 'firmware', x'03', 'h', 0);
      INSERT INTO lockouts (subject, failures, locks, locked_until, updated_at) VALUES ('login:x', 3, 1, 0, 0);
    `);
    // Two audit rows in the old format (version 5's hash: no organisation, no label).
    let prev = Buffer.alloc(32);
    for (const id of [1, 2]) {
      const row = [id, 1000 + id, 'cli', 'user.add', `user:${id}`, 'ok', 'cli', '{}'];
      const hash = createHmac('sha256', auditKey).update(prev).update(JSON.stringify(row)).digest();
      db.prepare('INSERT INTO audit_log (id, ts, actor, action, target, outcome, address, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(...row, prev, hash);
      prev = hash;
    }
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('audit.head', ?, 0)").run(JSON.stringify({ id: 2, hash: prev.toString('hex') }));
    assert.equal(verifyAuditChain(db, auditKey).ok, true, 'the version 5 chain verifies before');

    migrate(db, upTo6);
    const user = (id: number) => db.prepare('SELECT hub_admin, home_org_id FROM users WHERE id = ?').get(id) as { hub_admin: number; home_org_id: number };
    assert.deepEqual(user(1), { hub_admin: 1, home_org_id: 1 }, 'the first organisation’s owner owns the hub');
    assert.deepEqual(user(2), { hub_admin: 0, home_org_id: 2 }, 'another organisation’s owner does not');
    assert.deepEqual(user(3), { hub_admin: 0, home_org_id: 1 }, 'a person in two organisations: the lowest is home');
    assert.deepEqual(db.prepare('SELECT name, creator_kind, creator_id FROM apps ORDER BY id').all(), [
      { name: 'made-by-owner', creator_kind: 'user', creator_id: 1 },
      { name: 'made-by-app', creator_kind: 'legacy', creator_id: null },
    ]);
    assert.deepEqual(JSON.parse(db.prepare('SELECT scopes FROM api_keys').pluck().get() as string), ['devices:read', 'readings:read', 'readings:write', 'commands:send']);
    assert.equal(db.prepare('SELECT count(*) FROM lockouts').pluck().get(), 0, 'running locks start over (the column now holds decaying counts)');

    assert.equal(verifyAuditChain(db, auditKey).ok, true, 'old rows verify after the migration');
    // appendAudit writes the current schema's columns (migration 13 adds the personal-field commitment).
    migrate(db);
    assert.equal(verifyAuditChain(db, auditKey).ok, true, 'and after every later one');
    appendAudit(db, auditKey, { actor: 'cli:test', action: 'users.create', target: 'user:4', targetLabel: 'new@example.com', orgId: 1, outcome: 'ok', address: 'cli' }, 5000);
    const report = verifyAuditChain(db, auditKey);
    assert.deepEqual(report, { ok: true, rows: 3, problems: [] }, 'new rows (the current format) chain on to old ones');
    db.prepare("UPDATE audit_log SET target_label = 'someone-else@example.com' WHERE id = 3").run();
    assert.equal(verifyAuditChain(db, auditKey).problems[0]?.problem, 'edited', 'the label is covered by the hash (through its commitment)');
  } finally {
    db.close();
  }
});
