import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { addDevice } from '../../src-main/devices/lifecycle';
import { databasePath } from '../../src-main/lifecycle/data-dir';
import { startTestHub } from '../helpers/hub';

const day = 86_400_000;

test('retention under ingest load: while readings are ingested, the old rows go, every new reading stays, and the file shrinks', async () => {
  const hub = await startTestHub();
  const db = hub.db;
  const now = Date.now();
  const device = addDevice(db, { orgId: 1, label: 'old-device' }).device.id;
  const variable = Number(db.prepare("INSERT INTO variables (device_id, label, created_at) VALUES (?, 'temperature', 0)").run(device).lastInsertRowid);
  const insert = db.prepare('INSERT INTO readings (variable_id, ts, value, context, received_at) VALUES (?, ?, ?, NULL, ?)');
  const oldRows = 200_000;
  db.transaction(() => {
    for (let i = 0; i < oldRows; i++) insert.run(variable, now - 200 * day + i, i, now);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const sizeBefore = statSync(databasePath(hub.config.dataDir)).size;

  let purging = true;
  const purge = hub.services.retention.runNow().finally(() => (purging = false));
  // Bounded: at most 2,000 batches of 50, stopping when the purge is done.
  let sent = 0;
  let ts = now - day;
  for (let batch = 0; batch < 2000 && (purging || batch < 20); batch++) {
    const dots = Array.from({ length: 50 }, (_, i) => ({ variable: 'v', value: i, ts: ts++ }));
    const r = await hub.services.pipeline.ingest({ principal: { kind: 'internal', orgId: 1, actor: 'test', canCreateDevices: true }, protocol: 'https', deviceLabel: 'live', dots, bytes: 0 });
    assert.equal(r.stored.length, 50);
    sent += 50;
  }
  const run = await purge;
  db.pragma('wal_checkpoint(TRUNCATE)');
  const sizeAfter = statSync(databasePath(hub.config.dataDir)).size;
  const count = (sql: string, ...p: unknown[]) => db.prepare(sql).pluck().get(...p) as number;
  assert.equal(count('SELECT count(*) FROM readings WHERE variable_id = ?', variable), 0, 'every old reading is gone');
  assert.equal(count("SELECT count(*) FROM readings r JOIN variables v ON v.id = r.variable_id JOIN devices d ON d.id = v.device_id WHERE d.label = 'live'"), sent, 'every reading ingested meanwhile stays');
  assert.equal(run.deleted.readings, oldRows);
  assert.ok(sizeAfter < sizeBefore * 0.6, `the file shrinks: ${sizeBefore} -> ${sizeAfter} bytes`);
  process.stdout.write(`retention under load: ${sent} readings ingested while ${oldRows} were purged; file ${sizeBefore} -> ${sizeAfter} bytes\n`);
});
