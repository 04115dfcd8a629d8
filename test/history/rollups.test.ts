import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { addDevice } from '../../src-main/devices/lifecycle';
import { resolveIngestToken } from '../../src-main/access/device-credentials';
import type { Hub } from '../../src-main/hub';
import { openDatabase } from '../../src-main/store/database';
import { migrate, migrations } from '../../src-main/store/migrations';
import { settleRollups } from '../../src-main/history/rollups';
import type { Principal } from '../../src-main/ingest/pipeline/types';
import { startTestHub } from '../helpers/hub';
import { tempDir } from '../helpers/tmp';
import { assertRollupsMatch, seeded } from './helpers';

const hour = 3_600_000;
const base = Date.UTC(2026, 5, 1, 10);

function principalOf(hub: Hub, token: string): Principal {
  const r = resolveIngestToken(hub.db, token);
  assert.ok(r.ok);
  return r.principal;
}

/**
 * Messages of random dots over five hours: out of order within a message,
 * late ones (hours in the past) after newer ones, repeated timestamps, and
 * several messages in one commit.
 */
async function sendRandom(hub: Hub, principal: Principal, label: string, random: () => number, messages: number): Promise<number> {
  const pipeline = hub.services.pipeline;
  let sent = 0;
  for (let round = 0; round < messages / 10; round++) {
    const batch = Array.from({ length: 10 }, () => {
      const dots = Array.from({ length: 1 + Math.floor(random() * 40) }, () => {
        const late = random() < 0.2;
        const ts = base + Math.floor(random() * (late ? 2 : 5) * hour) - (random() < 0.1 ? 7 * 24 * hour : 0);
        // Few distinct times per minute: equal timestamps happen, and "first"/"last" ties are tested.
        return { variable: ['t', 'p', 'h'][Math.floor(random() * 3)]!, value: Math.round((random() - 0.5) * 2000) / 8, ts: Math.floor(ts / 5000) * 5000 };
      });
      sent += dots.length;
      return pipeline.ingest({ principal, protocol: 'https', deviceLabel: label, dots, bytes: 100 });
    });
    await Promise.all(batch);
  }
  return sent;
}

function variableIds(hub: Hub, deviceId: number): number[] {
  return hub.db.prepare('SELECT id FROM variables WHERE device_id = ? ORDER BY id').pluck().all(deviceId) as number[];
}

test('rollups kept by the pipeline equal a brute-force aggregate, with late, out-of-order and tied readings, and after a restart', async () => {
  const seed = Number(process.env.OUTPOST_SEED ?? Date.now() % 1_000_000);
  const random = seeded(seed);
  const dataDir = tempDir();
  let hub = await startTestHub({ dataDir });
  const { token, device } = addDevice(hub.db, { label: 'rover' });
  const sent = await sendRandom(hub, principalOf(hub, token), 'rover', random, 200);
  assert.ok(sent > 1000, `seed ${seed}: ${sent} readings`);
  for (const id of variableIds(hub, device.id)) assert.ok(assertRollupsMatch(hub.db, id) > 10, `seed ${seed}`);
  // Settling moves closed buckets out of the recent tables: what a reader adds up stays the same.
  assert.ok(settleRollups(hub.db, base + 2 * hour) > 0);
  const recent = hub.db.prepare('SELECT count(*) FROM rollup_1m_recent').pluck().get() as number;
  assert.ok(recent > 0, 'buckets after the cut stay recent');
  for (const id of variableIds(hub, device.id)) assertRollupsMatch(hub.db, id);

  await hub.stop();
  hub = await startTestHub({ dataDir });
  await sendRandom(hub, principalOf(hub, token), 'rover', random, 100);
  for (const id of variableIds(hub, device.id)) assertRollupsMatch(hub.db, id);
  settleRollups(hub.db, Date.now());
  assert.equal(hub.db.prepare('SELECT count(*) FROM rollup_1m_recent').pluck().get(), 0);
  for (const id of variableIds(hub, device.id)) assertRollupsMatch(hub.db, id);
  await hub.stop();
});

test('migration 0008 builds the rollups from readings stored before it, on data of the previous schema (7)', () => {
  const random = seeded(7);
  const db = openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
  try {
    migrate(db, migrations.filter((m) => m.version <= 7));
    db.prepare("INSERT INTO devices (org_id, label, name, created_at) VALUES (1, 'old', 'Old', 0)").run();
    const insertVariable = db.prepare('INSERT INTO variables (device_id, label, created_at) VALUES (1, ?, 0)');
    const vars = ['a', 'b'].map((l) => Number(insertVariable.run(l).lastInsertRowid));
    const insert = db.prepare('INSERT INTO readings (variable_id, ts, value, context, received_at) VALUES (?, ?, ?, NULL, 0)');
    db.transaction(() => {
      // 60,000 readings in random time order, many sharing a timestamp (first and last follow commit order), some before 1970.
      for (let i = 0; i < 60_000; i++) insert.run(vars[i % 2], base + Math.floor(random() * 48 * hour / 1000) * 1000, Math.round(random() * 1000) / 10);
      for (let i = 0; i < 500; i++) insert.run(vars[0], -Math.floor(random() * 3 * hour / 1000) * 1000, i);
    })();
    migrate(db);
    for (const id of vars) assert.ok(assertRollupsMatch(db, id) > 48);
    assert.deepEqual(db.pragma('foreign_key_check'), []);
  } finally {
    db.close();
  }
});
