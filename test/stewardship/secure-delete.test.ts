import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createUser } from '../../src-main/access/users';
import { addDevice } from '../../src-main/devices/lifecycle';
import { databasePath } from '../../src-main/lifecycle/data-dir';
import { deriveKey } from '../../src-main/security/derive';
import { decryptedPages } from '../helpers/aegis-pages';
import { startTestHub, testHubMasterKey } from '../helpers/hub';
import { tempDir } from '../helpers/tmp';
import { cliCaller, rpc } from '../access/helpers';
import type { Hub } from '../../src-main/hub';

const password = 'secure delete passphrase';
const day = 86_400_000;

/** Every page of the hub's database file, decrypted with its key: live rows, the free space in pages and free pages. */
function pagesOf(hub: Hub): Buffer {
  const dbKey = deriveKey(testHubMasterKey(hub), hub.identity.hubId, 'database');
  return decryptedPages(databasePath(hub.config.dataDir), dbKey, tempDir('outpost-pages-'));
}

test('secure_delete: an erased person’s email and name are on no page of the database file, free pages and free space in pages included', async () => {
  const hub = await startTestHub();
  const ctx = hub.services.access;
  const base = { url: `https://127.0.0.1:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
  const email = 'quinta.vanisher.7f3k@example.com';
  const name = 'Quinta Vanisher-Zu';
  await createUser(ctx, cliCaller(1), { email: 'keeper.owner@example.com', role: 'owner', password });
  const person = await createUser(ctx, cliCaller(1), { email, name, role: 'writer', password });
  // Their own traces: a session, an address seen, audit rows by and about them, a failed sign-in.
  const login = async (who: string) => ((await rpc(base, 'auth.login', { email: who, password })).body.result as { token: string }).token;
  await login(email);
  assert.equal((await rpc(base, 'auth.login', { email, password: 'not the passphrase!!' })).status, 401);
  const ownerToken = await login('keeper.owner@example.com');
  assert.equal((await rpc(base, 'users.update', { id: person.id, role: 'reader' }, ownerToken)).status, 200);
  hub.db.pragma('wal_checkpoint(TRUNCATE)');
  const before = pagesOf(hub);
  assert.ok(before.includes(email) && before.includes(name), 'before: the email and the name are on the pages (the decryption works)');

  const erased = await rpc(base, 'users.erase', { id: person.id }, ownerToken);
  assert.equal(erased.status, 200, JSON.stringify(erased.body));
  assert.equal((erased.body.result as { checkpointed: boolean }).checkpointed, true, 'the write-ahead log was emptied into the file');

  const after = pagesOf(hub);
  assert.ok(after.includes('keeper.owner@example.com'), 'the owner’s email is still there: the scan reads live rows');
  assert.equal(after.includes(email), false, 'the erased email is on no page');
  assert.equal(after.includes(name), false, 'nor the name');
});

test('secure_delete: readings purged by retention on the writer thread leave no bytes on any page', async () => {
  const hub = await startTestHub();
  const db = hub.db;
  const now = Date.now();
  const device = addDevice(db, { orgId: 1, label: 'kiln' }).device.id;
  const variable = Number(db.prepare("INSERT INTO variables (device_id, label, created_at) VALUES (?, 'temperature', 0)").run(device).lastInsertRowid);
  const insert = db.prepare('INSERT INTO readings (variable_id, ts, value, context, received_at) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    // Old readings (past the default 90 days) carry a marker in their context, recent ones another.
    for (let i = 0; i < 3000; i++) insert.run(variable, now - 200 * day + i * 1000, i, JSON.stringify({ batch: 'purged-marker-9q2w' }), now);
    for (let i = 0; i < 300; i++) insert.run(variable, now - day + i * 1000, i, JSON.stringify({ batch: 'kept-marker-4e8r' }), now);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  assert.ok(pagesOf(hub).includes('purged-marker-9q2w'), 'before: the old readings are on the pages');

  const run = await hub.services.retention.runNow();
  assert.equal(run.deleted.readings, 3000);
  const [cp] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
  assert.equal(cp?.busy, 0, 'the write-ahead log was emptied into the file');

  const after = pagesOf(hub);
  assert.ok(after.includes('kept-marker-4e8r'), 'the recent readings are there: the scan reads live rows');
  assert.equal(after.includes('purged-marker-9q2w'), false, 'no purged reading is left on any page');
});
