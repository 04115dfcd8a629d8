import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { after, test } from 'node:test';
import { addDevice } from '../../src-main/devices/lifecycle';
import { exportReadings } from '../../src-main/history/export';
import { exportCursors } from '../../src-main/history/export-page';
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

  // Export pages from the reader thread: every reading once, oldest first, none skipped where timestamps repeat.
  const reads = historyReads(hub.db, reader);
  const seen: number[] = [];
  let pages = 0;
  let cursors = exportCursors([{ id: variable, label: 't' }], base + 1000, 20_000);
  while (cursors.some((c) => !c.done)) {
    const page = await reads.exportPage({ device: 'archive', cursors, to: base + 1_000_000_000, format: 'csv', limit: 20_000 });
    pages += 1;
    for (const line of page.text.split('\n').filter(Boolean)) seen.push(Number(line.split(',')[4]));
    cursors = page.cursors;
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

test('export pages run on the bulk reader thread, at a lower CPU priority, and a chart query is never queued behind them', async () => {
  const hub = await startTestHub();
  const { reader, bulkReader } = hub.services;
  const { device } = addDevice(hub.db, { label: 'bulk' });
  const keyHex = readFileSync(hub.config.keyFile!, 'utf8').trim();
  const cli = openDatabase({ file: databasePath(hub.config.dataDir), key: deriveKey(Buffer.from(keyHex, 'hex'), hub.identity.hubId, 'database') });
  after(() => cli.close());
  const addVariable = (label: string) => Number(cli.prepare('INSERT INTO variables (device_id, label, created_at) VALUES (?, ?, 0)').run(device.id, label).lastInsertRowid);
  const archive = addVariable('archive');
  addVariable('level');
  const rows = 150_000;
  const base = 1_700_000_000_000;
  const insert = cli.prepare('INSERT INTO readings (variable_id, ts, value, context, received_at) VALUES (?, ?, ?, NULL, ?)');
  cli.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(archive, base + i * 1000, i, base);
  })();

  // Both threads started (a thread starts on first use), so what follows compares queries, not start-up.
  const series = () => reader.query('history.series', { deviceId: device.id, variables: ['level'], from: base, to: base + 3_600_000, maxPoints: 100 });
  const exportOf = (limit: number) => ({ device: 'bulk', cursors: exportCursors([{ id: archive, label: 'archive' }], base, limit), to: base + rows * 1000, format: 'csv' as const, limit });
  await Promise.all([series(), bulkReader.query('history.exportPage', exportOf(10))]);
  assert.equal(reader.priorityLowered, false, 'the interactive reader keeps the normal priority');
  if (process.platform === 'linux') {
    assert.equal(bulkReader.priorityLowered, true, 'the bulk reader lowered its own priority');
    // Field 19 of a task's stat, counted after the command name's closing parenthesis (the name may hold spaces).
    const nice = (task: string) => {
      const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    };
    const base = nice(String(process.pid));
    assert.ok(readdirSync('/proc/self/task').some((t) => nice(t) === Math.max(base, 10)), 'one thread of the hub runs at nice 10 (or lower, if the hub was)');
    assert.equal(getPriority(process.pid), base, 'the event loop keeps its nice value');
  }

  // One long export page asked for first, then a chart: on one shared thread the chart would wait for the page.
  const order: string[] = [];
  const page = bulkReader.query('history.exportPage', exportOf(rows)).then((p) => {
    order.push('page');
    return p;
  });
  const chart = series().then(() => order.push('chart'));
  const [pageRows] = await Promise.all([page, chart]);
  assert.equal(pageRows.rows, rows);
  assert.deepEqual(order, ['chart', 'page']);

  // The console's export goes through the same split.
  const reads = historyReads(hub.db, reader, bulkReader);
  const stream = exportReadings(hub.db, reads, device, { deviceId: device.id, variables: ['archive'], from: base, to: base + 5000, format: 'csv', shape: 'raw', maxPoints: 1000 });
  let csv = '';
  for await (const text of stream.chunks) csv += text;
  const lines = csv.trimEnd().split('\n');
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[4]), ['0', '1', '2', '3', '4'], 'the readings in [from, to), oldest first');
});
