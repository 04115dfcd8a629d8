import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { addDevice } from '../../src-main/devices/lifecycle';
import { streamReadings, streamReadingsCsv } from '../../src-main/history/export';
import { databasePath } from '../../src-main/lifecycle/data-dir';
import { deriveKey } from '../../src-main/security/derive';
import { openDatabase } from '../../src-main/store/database';
import { startTestHub } from '../helpers/hub';

test('the reader thread answers range queries and streams an export page by page, in order, complete', async () => {
  const hub = await startTestHub();
  const reader = hub.services.reader;
  const { device } = addDevice(hub.db, { label: 'archive' });
  const keyHex = readFileSync(hub.config.keyFile!, 'utf8').trim();
  const cli = openDatabase({ file: databasePath(hub.config.dataDir), key: deriveKey(Buffer.from(keyHex, 'hex'), hub.identity.hubId, 'database') });
  after(() => cli.close());
  const variable = Number(cli.prepare("INSERT INTO variables (device_id, label, created_at) VALUES (?, 't', 0)").run(device.id).lastInsertRowid);
  const rows = 45_000; // more than two pages
  const base = 1_700_000_000_000;
  const insert = cli.prepare('INSERT INTO readings (variable_id, ts, value, context, received_at) VALUES (?, ?, ?, NULL, ?)');
  cli.transaction(() => {
    // Two readings share each timestamp: paging must not skip or repeat either.
    for (let i = 0; i < rows; i++) insert.run(variable, base + Math.floor(i / 2) * 1000, i, base);
  })();

  const range = await reader.query('readings.range', { deviceId: device.id, variable: 't', from: base, to: base + 10_000, limit: 100 });
  assert.deepEqual(range.map((r) => r.value), Array.from({ length: 20 }, (_, i) => i));

  const seen: number[] = [];
  let pages = 0;
  for await (const page of streamReadings(reader, { deviceId: device.id, variable: 't', from: base + 1000, to: base + 1_000_000_000 })) {
    pages += 1;
    for (const [, value] of page) seen.push(value);
  }
  assert.ok(pages >= 3, `${pages} pages`);
  assert.equal(seen.length, rows - 2);
  assert.ok(seen.every((v, i) => v === i + 2), 'every reading once, oldest first');

  let csv = '';
  for await (const text of streamReadingsCsv(reader, { deviceId: device.id, variable: 't', from: base + 1000, to: base + 1_000_000_000 })) csv += text;
  const lines = csv.trimEnd().split('\n');
  assert.equal(lines.length, rows - 2);
  assert.equal(lines[0], `${new Date(base + 1000).toISOString()},2`);
});
