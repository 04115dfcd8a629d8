import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { after } from 'node:test';
import { addDevice } from '../../src-main/devices/lifecycle';
import { resolveIngestToken } from '../../src-main/access/device-credentials';
import { countReadings } from '../../src-main/history/queries/readings';
import { databasePath } from '../../src-main/lifecycle/data-dir';
import { deriveKey } from '../../src-main/security/derive';
import { openDatabase, type Db } from '../../src-main/store/database';
import type { Hub } from '../../src-main/hub';
import type { Principal } from '../../src-main/ingest/pipeline/types';
import { openSecondConnection, startTestHub } from '../helpers/hub';
import { tempDir } from '../helpers/tmp';

/** A writable connection, as the CLI in another process opens it. */
function openWriter(hub: Hub): Db {
  const keyHex = readFileSync(hub.config.keyFile!, 'utf8').trim();
  const db = openDatabase({ file: databasePath(hub.config.dataDir), key: deriveKey(Buffer.from(keyHex, 'hex'), hub.identity.hubId, 'database') });
  after(() => db.close());
  return db;
}

function principalFor(db: Db, token: string): Principal {
  const r = resolveIngestToken(db, token);
  assert.ok(r.ok, 'token resolves');
  return r.principal;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the event loop keeps running while a batch commits, and the ack still waits for the commit', async () => {
  const hub = await startTestHub();
  const pipeline = hub.services.pipeline;
  const { token, device } = addDevice(hub.db, { label: 'slow' });
  const principal = principalFor(hub.db, token);
  const other = openSecondConnection(hub);
  const commitMs = 3000;
  await pipeline.writerTest({ commitDelayMs: commitMs });

  let ticks = 0;
  let last = performance.now();
  let worstGap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worstGap = Math.max(worstGap, now - last);
    last = now;
    ticks += 1;
  }, 10);
  try {
    const started = performance.now();
    let firstDone = 0;
    const first = pipeline.ingest({ principal, protocol: 'mqtt', deviceLabel: 'slow', dots: [{ variable: 'seq', value: 1 }], bytes: 1 }).then((r) => {
      firstDone = performance.now();
      return r;
    });
    await sleep(200);
    // The next message fills the next batch while the first one commits (pipelining).
    const second = pipeline.ingest({ principal, protocol: 'mqtt', deviceLabel: 'slow', dots: [{ variable: 'seq', value: 2 }], bytes: 1 });
    await sleep(200);
    if (performance.now() - started < commitMs * 0.8) {
      // Only judged while the transaction is surely still open (a loaded machine may delay these timers).
      assert.equal(firstDone, 0, 'not acknowledged while its transaction is open');
      assert.equal(countReadings(other, device.id), 0, 'nothing visible before the commit');
    }
    const [a, b] = await Promise.all([first, second]);
    assert.ok(firstDone - started >= commitMs * 0.9, `acknowledged after ${Math.round(firstDone - started)} ms, before the ${commitMs} ms commit ended`);
    assert.equal(countReadings(other, device.id), 2, 'both committed once acknowledged');
    assert.ok(b.stored[0]!.id > a.stored[0]!.id, 'order kept');
  } finally {
    clearInterval(timer);
    await pipeline.writerTest({ commitDelayMs: 0 });
  }
  // Had the commit run on this thread, the timer would have stopped for the whole commit.
  assert.ok(ticks >= 20, `only ${ticks} timer ticks during two ${commitMs} ms commits`);
  assert.ok(worstGap < commitMs / 2, `the event loop stood still for ${Math.round(worstGap)} ms`);
});

test('readings commits are not changes for the DbWatcher; a commit by another connection is', async () => {
  const hub = await startTestHub();
  const pipeline = hub.services.pipeline;
  const watcher = hub.services.watcher;
  const { token } = addDevice(hub.db, { label: 'busy' });
  const principal = principalFor(hub.db, token);
  await sleep(600); // the device above was written by this thread's connection: let that change pass
  let changes = 0;
  watcher.on('change', () => void (changes += 1));
  const until = Date.now() + 1500; // six watcher intervals of steady commits
  let sent = 0;
  while (Date.now() < until && sent < 5000) {
    await Promise.all(Array.from({ length: 20 }, () => pipeline.ingest({ principal, protocol: 'mqtt', deviceLabel: 'busy', dots: [{ variable: 't', value: sent++ }], bytes: 1 })));
  }
  await sleep(600);
  assert.equal(changes, 0, `${changes} change events from ${sent} readings committed by the writer thread`);

  const cli = openWriter(hub);
  cli.prepare("UPDATE devices SET name = 'renamed' WHERE label = 'busy'").run();
  const deadline = Date.now() + 10_000;
  while (changes === 0 && Date.now() < deadline) await sleep(50);
  assert.ok(changes >= 1, 'a commit by another connection is a change');
});

test('cached credentials: a revocation by another process counts within the watcher interval, one by this process at once', async () => {
  const hub = await startTestHub();
  const a = addDevice(hub.db, { label: 'revoked-elsewhere' });
  const b = addDevice(hub.db, { label: 'revoked-here' });
  assert.equal(resolveIngestToken(hub.db, a.token).ok, true);
  assert.equal(resolveIngestToken(hub.db, b.token).ok, true);

  const cli = openWriter(hub);
  cli.prepare('UPDATE device_tokens SET revoked_at = ? WHERE device_id = ?').run(Date.now(), a.device.id);
  const started = Date.now();
  while (resolveIngestToken(hub.db, a.token).ok && Date.now() - started < 10_000) await sleep(20);
  assert.equal(resolveIngestToken(hub.db, a.token).ok, false, 'revoked by another process: refused');

  hub.db.prepare('UPDATE device_tokens SET revoked_at = ? WHERE device_id = ?').run(Date.now(), b.device.id);
  assert.equal(resolveIngestToken(hub.db, b.token).ok, false, 'revoked through this connection: refused at the next lookup');
});

test('the hub checkpoints the write-ahead log every 10,000 pages, on the writer thread and on the event loop alike', async () => {
  const hub = await startTestHub();
  const setting = async () => Object.values(((await hub.services.pipeline.writerTest({ pragma: 'wal_autocheckpoint' })) as Record<string, number>[])[0] ?? {})[0];
  assert.equal(await setting(), 10_000);
  // Equal, so during ingest the writer's commits cross the threshold first; and the log stays bounded when no device sends.
  assert.equal(hub.db.pragma('wal_autocheckpoint', { simple: true }), 10_000);
  // A connection of another process (the CLI) keeps SQLite's default: it writes little and is not on a device's path.
  const cli = openSecondConnection(hub);
  assert.equal(cli.pragma('wal_autocheckpoint', { simple: true }), 1000);
});

test('the hub cuts its write-ahead log back to 64 MiB when the log starts over, so a burst leaves no large file behind', async () => {
  const hub = await startTestHub();
  const writerLimit = Object.values(((await hub.services.pipeline.writerTest({ pragma: 'journal_size_limit' })) as Record<string, number>[])[0] ?? {})[0];
  assert.equal(writerLimit, 64 * 1024 * 1024);
  assert.equal(hub.db.pragma('journal_size_limit', { simple: true }), 64 * 1024 * 1024);

  // What the setting does, at 1 MiB on a file of its own: a reader holds a snapshot (as a backup does) while
  // 4 MiB are committed, so the log cannot start over; once the reader is done, the next commits start it over.
  // Without the limit the file keeps its 4 MiB.
  const dir = tempDir();
  const key = randomBytes(32);
  for (const logLimitMiB of [1, undefined]) {
    const file = join(dir, `log-${logLimitMiB ?? 'none'}.db`);
    const writer = openDatabase({ file, key, checkpointPages: 100, ...(logLimitMiB === undefined ? {} : { logLimitMiB }) });
    writer.exec('CREATE TABLE t (b BLOB)');
    const reader = openDatabase({ file, key, readonly: true });
    try {
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM t').get();
      const insert = writer.prepare('INSERT INTO t VALUES (randomblob(?))');
      for (let i = 0; i < 1000; i++) insert.run(3000);
      const grown = statSync(`${file}-wal`).size;
      assert.ok(grown > 3 * 1024 * 1024, `the log grew while the reader held its snapshot (${grown} bytes)`);
      reader.exec('COMMIT');
      for (let i = 0; i < 3; i++) insert.run(100);
      const size = statSync(`${file}-wal`).size;
      if (logLimitMiB === undefined) assert.ok(size >= grown, `without a limit the log keeps its size (${size} bytes, was ${grown})`);
      else assert.ok(size <= 1024 * 1024, `the log was cut back to ${size} bytes (limit 1 MiB, was ${grown})`);
    } finally {
      reader.close();
      writer.close();
    }
  }
});
