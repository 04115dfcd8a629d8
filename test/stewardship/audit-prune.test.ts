import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { appendAudit, verifyAuditChain } from '../../src-main/audit/chain';
import { pruneAuditBatch } from '../../src-main/audit/prune';
import { openDatabase } from '../../src-main/store/database';
import { migrate } from '../../src-main/store/migrations';
import { tempDir } from '../helpers/tmp';

const day = 86_400_000;

test('audit pruning takes only a prefix of old rows (never a recent row written before old ones, never the newest), in batches, and the chain verifies after each', () => {
  const db = openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
  migrate(db);
  const key = randomBytes(32);
  const now = Date.now();
  const row = (ts: number, i: number) => appendAudit(db, key, { actor: 'cli:test', action: 'devices.create', target: `device:${i}`, orgId: 1, outcome: 'ok', address: 'cli' }, ts);
  for (let i = 0; i < 10; i++) row(now - 400 * day, i);
  row(now - day, 10); // a recent row (a clock set right, say) before more old ones
  for (let i = 11; i < 15; i++) row(now - 400 * day, i);
  const cutoff = now - 365 * day;
  assert.equal(pruneAuditBatch(db, key, cutoff, 4, now), 4, 'one batch');
  assert.ok(verifyAuditChain(db, key).ok);
  assert.equal(pruneAuditBatch(db, key, cutoff, 100, now), 6, 'the rest of the prefix, up to the recent row');
  assert.equal(pruneAuditBatch(db, key, cutoff, 100, now), 0, 'nothing past the recent row');
  assert.deepEqual(db.prepare('SELECT id FROM audit_log ORDER BY id').pluck().all(), [11, 12, 13, 14, 15]);
  const report = verifyAuditChain(db, key);
  assert.deepEqual(report.problems, []);
  // With everything old, the newest row still stays: the chain goes on from it.
  assert.equal(pruneAuditBatch(db, key, now + day, 100, now), 4);
  assert.deepEqual(db.prepare('SELECT id FROM audit_log').pluck().all(), [15]);
  assert.ok(verifyAuditChain(db, key).ok);
  assert.equal(verifyAuditChain(db, randomBytes(32)).ok, false, 'a wrong key does not verify the anchor');
  db.close();
});
