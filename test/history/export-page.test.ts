import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { addDevice } from '../../src-main/devices/lifecycle';
import { exportCursors, exportPage, type ExportCursor } from '../../src-main/history/export-page';
import { openDatabase } from '../../src-main/store/database';
import { migrate } from '../../src-main/store/migrations';
import { tempDir } from '../helpers/tmp';
import { seeded } from './helpers';

test('export pages merge variables in time order, then commit order, for any page size: every reading once, none after `to`', () => {
  const db = openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
  after(() => db.close());
  migrate(db);
  const { device } = addDevice(db, { label: 'mixer' });
  const random = seeded(14);
  const variables = ['a', 'b', 'c'].map((label) => ({ label, id: Number(db.prepare('INSERT INTO variables (device_id, label, created_at) VALUES (?, ?, 0)').run(device.id, label).lastInsertRowid) }));
  const insert = db.prepare('INSERT INTO readings (variable_id, ts, value, context, received_at) VALUES (?, ?, ?, ?, 0)');
  db.transaction(() => {
    // Out of order, shared timestamps across and within variables, one variable much denser than the others.
    for (let i = 0; i < 400; i++) {
      const v = variables[random() < 0.6 ? 0 : random() < 0.5 ? 1 : 2]!;
      insert.run(v.id, 1000 * Math.floor(random() * 120), i, i % 9 === 0 ? JSON.stringify({ note: 'a "quoted", text' }) : null);
    }
  })();
  const from = 10_000;
  const to = 100_000;
  const expected = (
    db
      .prepare('SELECT r.ts, v.label, r.value, r.context FROM readings r JOIN variables v ON v.id = r.variable_id WHERE r.ts >= ? AND r.ts < ? ORDER BY r.ts, r.id')
      .all(from, to) as { ts: number; label: string; value: number; context: string | null }[]
  ).map((r) => `${r.ts},${r.label},${r.value},${r.context === null ? '' : JSON.parse(r.context).note}`);
  assert.ok(expected.length > 200);

  for (const limit of [1, 3, 7, 50, 1000]) {
    let cursors: ExportCursor[] = exportCursors(variables, from, limit);
    let read = 0;
    let text = '';
    let calls = 0;
    while (cursors.some((c) => !c.done)) {
      read += cursors.reduce((sum, c) => sum + (c.done ? 0 : Math.min(limit, c.take)), 0);
      const page = exportPage(db, { device: 'mixer', cursors, to, format: 'ndjson', limit });
      assert.ok(page.rows > 0 || page.cursors.every((c) => c.done), `limit ${limit}: a call that writes nothing ends the export`);
      assert.equal(page.text.split('\n').length - 1, page.rows);
      text += page.text;
      cursors = page.cursors;
      calls += 1;
      assert.ok(calls < 2000, 'the export progresses');
    }
    const got = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { ts: number; device: string; variable: string; value: number; context: { note: string } | null; time: string })
      .map((r) => {
        assert.equal(r.device, 'mixer');
        assert.equal(r.time, new Date(r.ts).toISOString());
        return `${r.ts},${r.variable},${r.value},${r.context?.note ?? ''}`;
      });
    assert.deepEqual(got, expected, `limit ${limit}`);
    // Rows asked for, at most: each variable's pages follow what it wrote, so sparse ones are not read far ahead.
    if (limit >= 50) assert.ok(read < 4 * expected.length + 3 * limit, `limit ${limit}: ${read} rows asked for, ${expected.length} written`);
  }
});

test('an export of one dense and several sparse variables reads each reading about once, not once per page of the dense one', () => {
  const db = openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
  after(() => db.close());
  migrate(db);
  const { device } = addDevice(db, { label: 'station' });
  const variables = Array.from({ length: 20 }, (_, i) => ({ label: `v${i}`, id: Number(db.prepare('INSERT INTO variables (device_id, label, created_at) VALUES (?, ?, 0)').run(device.id, `v${i}`).lastInsertRowid) }));
  const insert = db.prepare('INSERT INTO readings (variable_id, ts, value, context, received_at) VALUES (?, ?, ?, NULL, 0)');
  const seconds = 6 * 3600;
  db.transaction(() => {
    for (let s = 0; s < seconds; s++) {
      insert.run(variables[0]!.id, s * 1000, s);
      // The other nineteen once a minute.
      if (s % 60 === 0) for (const v of variables.slice(1)) insert.run(v.id, s * 1000, s);
    }
  })();
  const total = seconds + 19 * (seconds / 60);
  let cursors = exportCursors(variables, 0, 1000);
  let rowsRead = 0;
  let written = 0;
  while (cursors.some((c) => !c.done)) {
    rowsRead += cursors.reduce((sum, c) => sum + (c.done ? 0 : c.take), 0);
    const page = exportPage(db, { device: 'station', cursors, to: seconds * 1000, format: 'csv', limit: 1000 });
    written += page.rows;
    cursors = page.cursors;
  }
  assert.equal(written, total);
  // A full page for each variable on every call would ask for about 13 times the readings.
  assert.ok(rowsRead < 2 * total, `${rowsRead} rows asked for, ${total} written`);
});
