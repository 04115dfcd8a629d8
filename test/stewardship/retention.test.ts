import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { appendAudit, verifyAuditChain } from '../../src-main/audit/chain';
import { addDevice } from '../../src-main/devices/lifecycle';
import { databasePath } from '../../src-main/lifecycle/data-dir';
import { deriveKey } from '../../src-main/security/derive';
import { writeSettingText } from '../../src-main/settings/hub-settings';
import { writeSetting, readSetting } from '../../src-main/settings/queries/settings';
import { startTestHub, testHubMasterKey } from '../helpers/hub';
import { addSite } from '../../src-main/sync/sites';
import { receivedStatements } from '../../src-main/sync/queries/sync-received';

const day = 86_400_000;

test('retention: old readings, rollups and bounded tables go in batches on the writer thread, recent rows stay, the file shrinks, and the pruned audit chain still verifies', async () => {
  const hub = await startTestHub();
  const db = hub.db;
  const now = Date.now();
  assert.equal(db.pragma('auto_vacuum', { simple: true }), 2, 'a new hub’s database returns free pages incrementally');
  // An audit log with a year-old start: pruned past 30 days behind an anchor.
  const auditKey = deriveKey(testHubMasterKey(hub), hub.identity.hubId, 'audit-chain');
  for (let i = 0; i < 40; i++) appendAudit(db, auditKey, { actor: 'cli:test', action: 'devices.create', target: `device:${i}`, orgId: 1, outcome: 'ok', address: 'cli' }, now - 365 * day + i);
  for (let i = 0; i < 5; i++) appendAudit(db, auditKey, { actor: 'cli:test', action: 'devices.create', target: `device:new-${i}`, orgId: 1, outcome: 'ok', address: 'cli' }, now - day + i);
  const cli = { origin: 'cli' as const, principal: { kind: 'cli' as const, osUser: 'test', orgId: 1 } };
  const call = async (method: string, input: unknown, principal = cli) => {
    const r = await hub.registry.call(method as never, input as never, principal);
    assert.ok(r.ok, JSON.stringify(r));
    return r.value;
  };
  const org2 = ((await call('orgs.create', { slug: 'beta', name: 'Beta' })) as { id: number }).id;
  // Organisation 1 keeps the defaults (90 days raw, a year of minutes, hours forever); organisation 2 keeps raw readings a week.
  assert.deepEqual(await call('retention.get', {}), { rawDays: 90, rollup1mDays: 365, rollup1hDays: null });
  assert.deepEqual(await call('retention.update', { rawDays: 7 }, { origin: 'cli', principal: { ...cli.principal, orgId: org2 } }), { rawDays: 7, rollup1mDays: 365, rollup1hDays: null });

  const variableOf = (orgId: number, label: string) => {
    const device = addDevice(db, { orgId, label }).device.id;
    return { device, variable: Number(db.prepare("INSERT INTO variables (device_id, label, created_at) VALUES (?, 'temperature', 0)").run(device).lastInsertRowid) };
  };
  const a = variableOf(1, 'boiler-a');
  const b = variableOf(org2, 'boiler-b');
  const insertReadings = db.prepare('INSERT INTO readings (variable_id, ts, value, context, received_at) VALUES (?, ?, ?, NULL, ?)');
  const insertRollup = (table: string) => db.prepare(`INSERT INTO ${table} (variable_id, bucket, count, sum, min, max, first_ts, first_value, last_ts, last_value) VALUES (?, ?, 1, 1, 1, 1, ?, 1, ?, 1)`);
  const oldRaw = 60_000;
  db.transaction(() => {
    for (let i = 0; i < oldRaw; i++) insertReadings.run(a.variable, now - 200 * day + i * 1000, i, now);
    for (let i = 0; i < 500; i++) insertReadings.run(a.variable, now - day + i * 1000, i, now);
    // 30 days old: gone under organisation 2's week, kept under organisation 1's 90 days.
    for (let i = 0; i < 5000; i++) insertReadings.run(b.variable, now - 30 * day + i * 1000, i, now);
    for (let i = 0; i < 300; i++) insertReadings.run(b.variable, now - 3 * day + i * 1000, i, now);
    for (let i = 0; i < 300; i++) insertReadings.run(a.variable, now - 30 * day + i * 1000, i, now);
    // An old reading still waiting to be synced upstream stays until it is sent.
    const unsent = Number(insertReadings.run(a.variable, now - 300 * day, -1, now).lastInsertRowid);
    db.prepare('INSERT INTO sync_outbox (reading_id) VALUES (?)').run(unsent);
    const m = insertRollup('rollup_1m');
    for (let i = 0; i < 3000; i++) m.run(a.variable, now - 400 * day + i * 60_000, 0, 0);
    for (let i = 0; i < 100; i++) m.run(a.variable, now - 10 * day + i * 60_000, 0, 0);
    const h = insertRollup('rollup_1h');
    for (let i = 0; i < 200; i++) h.run(a.variable, now - 2000 * day + i * 3_600_000, 0, 0);
    // Bounded tables: old rows and recent ones.
    const session = db.prepare("INSERT INTO mqtt_sessions (client_id, device_id, remote_address, connected_at, disconnected_at) VALUES ('c', ?, '127.0.0.1', ?, ?)");
    for (let i = 0; i < 50; i++) session.run(a.device, now - 100 * day, now - 100 * day + 1000);
    session.run(a.device, now - day, now - day + 1000);
    session.run(a.device, now - 200 * day, null);
    const usage = db.prepare('INSERT INTO device_usage_hourly (device_id, hour, messages_in) VALUES (?, ?, 1)');
    for (let i = 0; i < 100; i++) usage.run(a.device, now - 500 * day + i * 3_600_000);
    usage.run(a.device, now - day);
    const command = db.prepare("INSERT INTO commands (id, device_id, kind, variable, value, status, requested_by, created_at, expires_at) VALUES (?, ?, 'control', 'relay', 1, ?, 'cli:test', ?, ?)");
    command.run('old-answered', a.device, 'answered', now - 120 * day, now - 120 * day);
    command.run('old-pending', a.device, 'pending', now - 120 * day, now + day);
    command.run('recent', a.device, 'answered', now - day, now);
    // An organisation hub's sync receipts (de-duplication of site readings): old ones go after 90 days.
    const received = receivedStatements(db);
    const origin = received.originRef(addSite(db, 'plant9', 1, now).site.id, '00000000-0000-4000-8000-000000000001');
    for (let seq = 1; seq <= 50; seq++) received.record(origin, seq, now - 100 * day);
    received.record(origin, 51, now - day);
  })();

  writeSettingText(db, 'audit-retention-days', '30');
  const auditBefore = db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;

  db.pragma('wal_checkpoint(TRUNCATE)');
  const sizeBefore = statSync(databasePath(hub.config.dataDir)).size;
  const run = await hub.services.retention.runNow();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const sizeAfter = statSync(databasePath(hub.config.dataDir)).size;

  const count = (sql: string, ...p: unknown[]) => db.prepare(sql).pluck().get(...p) as number;
  assert.equal(count('SELECT count(*) FROM readings WHERE variable_id = ? AND ts < ?', a.variable, now - 90 * day), 1, 'organisation 1: readings past 90 days are gone, but for the one not yet synced');
  assert.equal(count('SELECT count(*) FROM readings WHERE variable_id = ?', a.variable), 801, 'organisation 1: the last 90 days stay');
  assert.equal(count('SELECT count(*) FROM sync_outbox'), 1);
  assert.equal(count('SELECT count(*) FROM readings WHERE variable_id = ?', b.variable), 300, 'organisation 2: only its last week stays');
  assert.equal(count('SELECT count(*) FROM rollup_1m'), 100, '1-minute rollups past a year are gone');
  assert.equal(count('SELECT count(*) FROM rollup_1h'), 200, 'hourly rollups are kept forever by default');
  assert.equal(count('SELECT count(*) FROM mqtt_sessions'), 2, 'ended MQTT sessions past 90 days go; a recent one and an open one stay');
  assert.equal(count('SELECT count(*) FROM device_usage_hourly'), 1);
  assert.deepEqual(db.prepare('SELECT id FROM commands ORDER BY id').pluck().all(), ['old-pending', 'recent'], 'an old pending command stays');
  assert.deepEqual(db.prepare('SELECT seq FROM sync_received').pluck().all(), [51], 'sync receipts past 90 days go, a recent one stays');
  assert.equal(run.deleted.readings, oldRaw + 5000);
  assert.ok(run.pagesFreed > 0, `free pages returned: ${run.pagesFreed}`);
  assert.ok(sizeAfter < sizeBefore * 0.5, `the file shrinks: ${sizeBefore} -> ${sizeAfter} bytes`);
  process.stdout.write(`retention: ${JSON.stringify(run.deleted)}, ${run.pagesFreed} pages freed, file ${sizeBefore} -> ${sizeAfter} bytes\n`);

  // The audit log: 40 old rows pruned (the rows the API calls above wrote are recent), the chain verifies from the anchor.
  assert.equal(run.auditPruned, 40);
  assert.equal(count('SELECT count(*) FROM audit_log'), auditBefore - 40 + 1, 'pruned, plus the row that records the pruning');
  assert.equal(count("SELECT count(*) FROM audit_log WHERE action = 'audit.prune'"), 1);
  const report = verifyAuditChain(db, auditKey);
  assert.deepEqual(report.problems, []);
  assert.ok(report.ok);

  // The anchor cannot be moved without the key, and rows past it cannot go unnoticed.
  const anchor = readSetting(db, 'audit.anchor') as Record<string, unknown>;
  writeSetting(db, 'audit.anchor', { ...anchor, throughId: (anchor.throughId as number) + 1 }, now);
  assert.ok(verifyAuditChain(db, auditKey).problems.some((p) => /anchor/.test(p.message)), 'a moved anchor is an edit');
  writeSetting(db, 'audit.anchor', anchor, now);
  const first = count('SELECT min(id) FROM audit_log');
  db.prepare('DELETE FROM audit_log WHERE id = ?').run(first);
  assert.ok(verifyAuditChain(db, auditKey).problems.some((p) => p.problem === 'deleted-before'), 'a row deleted after the anchor is noticed');
});
