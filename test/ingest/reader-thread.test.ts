import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { addDevice } from '../../src-main/devices/lifecycle';
import { exportReadings } from '../../src-main/history/export';
import { historyReads } from '../../src-main/history/reads';
import { databasePath } from '../../src-main/lifecycle/data-dir';
import { deriveKey } from '../../src-main/security/derive';
import { openDatabase } from '../../src-main/store/database';
import { startTestHub } from '../helpers/hub';

test('the reader thread answers range queries and pages an export through it, in order, complete', async () => {
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

  // Keyset pages straight from the reader thread: every reading once, oldest first, none skipped where timestamps repeat.
  const reads = historyReads(hub.db, reader);
  const seen: number[] = [];
  let pages = 0;
  let last: [number, number] = [base + 1000 - 1, Number.MAX_SAFE_INTEGER];
  for (;;) {
    const page = await reads.page(variable, last[0], last[1], base + 1_000_000_000, 20_000);
    if (page.length === 0) break;
    pages += 1;
    for (const [, , value] of page) seen.push(value);
    const end = page[page.length - 1]!;
    last = [end[1], end[0]];
  }
  assert.ok(pages >= 3, `${pages} pages`);
  assert.equal(seen.length, rows - 2);
  assert.ok(seen.every((v, i) => v === i + 2), 'every reading once, oldest first');

  // The export built on those pages.
  const stream = exportReadings(hub.db, reads, device, { deviceId: device.id, variables: ['t'], from: base + 1000, to: base + 1_000_000_000, format: 'csv', shape: 'raw', maxPoints: 1000 });
  let csv = '';
  for await (const text of stream.chunks) csv += text;
  const lines = csv.trimEnd().split('\n');
  assert.equal(lines[0], 'time,ts,device,variable,value,context');
  assert.equal(lines.length, rows - 2 + 1);
  assert.equal(lines[1], `${new Date(base + 1000).toISOString()},${base + 1000},archive,t,2,`);
  assert.equal(lines.at(-1), `${new Date(base + Math.floor((rows - 1) / 2) * 1000).toISOString()},${base + Math.floor((rows - 1) / 2) * 1000},archive,t,${rows - 1},`);
});
