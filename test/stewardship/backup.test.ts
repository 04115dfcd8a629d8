import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import { keychainAccount } from '../../src-main/security/master-key';
import { deriveKey } from '../../src-main/security/derive';
import { OsKeychain } from '../../src-main/security/secret-store';
import { headerBytes, manifestMac, readBackupHeader } from '../../src-main/store/backup/format';
import { openDatabase } from '../../src-main/store/database';
import { latestVersion } from '../../src-main/store/migrations';
import { runCli, startServe } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import { eventually, startHub, startTool } from '../mqtt/helpers/hub';

const python = '/usr/bin/python3';
const publisher = join(import.meta.dirname, 'publisher.py');
const clients = 5;

const lastEvent = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
const acked = (output: string) =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { event: string; seq?: number })
    .filter((e) => e.event === 'ack')
    .map((e) => e.seq!);

/** Readings of each device in a restored database, opened with the key from the emergency kit. */
function restoredSeqs(dataDir: string, kitFile: string): Map<string, Set<number>> {
  const hubId = (JSON.parse(readFileSync(join(dataDir, 'hub.json'), 'utf8')) as { hubId: string }).hubId;
  const key = Buffer.from(readFileSync(kitFile, 'utf8').trim(), 'hex');
  const db = openDatabase({ file: join(dataDir, 'outpost.db'), key: deriveKey(key, hubId, 'database'), readonly: true });
  try {
    const rows = db
      .prepare("SELECT d.label, r.value FROM readings r JOIN variables v ON v.id = r.variable_id JOIN devices d ON d.id = v.device_id WHERE v.label = 'seq'")
      .all() as { label: string; value: number }[];
    const out = new Map<string, Set<number>>();
    for (const r of rows) out.set(r.label, (out.get(r.label) ?? new Set()).add(r.value));
    return out;
  } finally {
    db.close();
  }
}

/** Nothing was created next to the target: no directory, no staging folder. */
function assertUntouched(parent: string, before: string[], what: string): void {
  assert.deepEqual(readdirSync(parent).sort(), before, `${what}: nothing is created or left behind`);
}

test('backup while 5 paho clients publish QoS 1; restore with the emergency kit and no keychain entry holds every reading acknowledged before the backup; wrong key, truncated file, newer version and a used directory are refused and change nothing', async () => {
  const hub = await startHub();
  const token = lastEvent((await hub.cli(['token', 'add', 'fleet', '--create-devices', '--json'])).stdout).token as string;
  assert.match(token, /^opo_/);
  const work = tempDir('outpost-backup-');
  const stopFile = join(work, 'stop');
  const pubs = Array.from({ length: clients }, (_, i) => startTool(python, [publisher, 'localhost', String(hub.port), hub.caFile, token, `meter-${i + 1}`, stopFile]));
  // Every client is publishing and acknowledged before the backup starts.
  await eventually(() => (pubs.every((p) => acked(p.output()).length >= 20) ? true : undefined), 60_000, 'each client to have 20 acknowledged readings');

  const ackedBefore = pubs.map((p) => acked(p.output()));
  const backupFile = join(work, 'hub.backup');
  const backup = await runCli(['backup', '--to', backupFile, '--data-dir', hub.dataDir, '--json']);
  assert.equal(backup.code, 0, backup.stderr);
  const ackedDuring = pubs.map((p) => acked(p.output()).length);
  writeFileSync(stopFile, '');
  await eventually(() => (pubs.every((p) => p.output().includes('"done"')) ? true : undefined), 30_000, 'clients to stop');
  for (const [i, p] of pubs.entries()) assert.ok(!p.output().includes('unacked'), `client ${i + 1}: ${p.output().slice(-500)}`);
  const during = ackedDuring.reduce((sum, n, i) => sum + n - ackedBefore[i]!.length, 0);
  process.stdout.write(`readings acknowledged before the backup: ${ackedBefore.reduce((s, a) => s + a.length, 0)}; during it: ${during}\n`);
  const summary = lastEvent(backup.stdout) as { file: string; hubId: string; schemaVersion: number; rowCounts: Record<string, number>; bytes: number; sha256: string };
  assert.equal(summary.file, backupFile);
  assert.equal(summary.schemaVersion, latestVersion);
  assert.equal(summary.hubId, hub.serve.ready.hubId);
  assert.ok(summary.rowCounts.readings! >= clients * 20, `row counts in the manifest: ${JSON.stringify(summary.rowCounts)}`);
  assert.equal(statSync(backupFile).mode & 0o777, 0o600, 'the backup is owner-only');
  assert.deepEqual(readdirSync(work).sort(), ['hub.backup', 'stop'], 'no snapshot or partial file left beside it');

  // Encrypted: no label, token hint or table content in clear, and the snapshot does not open without the key.
  const bytes = readFileSync(backupFile);
  const { manifest, offset } = readBackupHeader(backupFile);
  assert.equal(manifest.database.bytes, bytes.length - offset);
  for (const clear of ['meter-1', 'fleet', 'CREATE TABLE', 'SQLite format 3']) assert.ok(!bytes.subarray(offset).includes(clear), `"${clear}" is not in the backup in clear`);
  const snapshot = join(work, 'snapshot.db');
  writeFileSync(snapshot, bytes.subarray(offset));
  assert.throws(() => new Database(snapshot, { readonly: true }).prepare('SELECT count(*) FROM sqlite_schema').get(), /not a database/);

  // The emergency kit: audited, 0600, the same form as a --key-file.
  const kit = join(work, 'master.key');
  assert.equal((await hub.cli(['key', 'export', '--to', kit])).code, 2, 'no export without --yes');
  assert.ok(!existsSync(kit));
  const exported = await hub.cli(['key', 'export', '--yes', '--to', kit]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(statSync(kit).mode & 0o777, 0o600);
  assert.match(readFileSync(kit, 'utf8'), /^[0-9a-f]{64}\n$/);
  const audit = lastEvent((await hub.cli(['audit', 'list', '--json', '--limit', '50'])).stdout).rows as { action: string; outcome: string; actor: string }[];
  for (const action of ['hub.backup', 'hub.exportKey']) assert.ok(audit.some((r) => r.action === action && r.outcome === 'ok' && r.actor.startsWith('cli:')), `${action} is audited`);

  // The machine is gone: the hub stops and its keychain entry with it.
  await hub.serve.stop();
  assert.equal(await new OsKeychain().delete(keychainAccount(summary.hubId)), true);

  const parent = join(work, 'restores');
  mkdirSync(parent);
  const restoreInto = (dir: string, keyFile: string, file = backupFile) => runCli(['restore', file, '--data-dir', join(parent, dir), '--key-file', keyFile, '--json']);

  // Refusals first, each with its code, each leaving nothing behind.
  const before = readdirSync(parent).sort();
  const wrongKey = join(work, 'wrong.key');
  writeFileSync(wrongKey, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  const refusals: [string, Promise<Awaited<ReturnType<typeof runCli>>>, string, RegExp][] = [];
  refusals.push(['wrong key', restoreInto('a', wrongKey), 'KEY_MISMATCH', /not the master key of the hub this backup was made from/]);
  const truncated = join(work, 'truncated.backup');
  copyFileSync(backupFile, truncated);
  truncateSync(truncated, statSync(backupFile).size - 4096);
  refusals.push(['truncated', restoreInto('b', kit, truncated), 'BACKUP_INVALID', /truncated/]);
  const newer = join(work, 'newer.backup');
  const key = Buffer.from(readFileSync(kit, 'utf8').trim(), 'hex');
  const { mac: _mac, ...body } = { ...manifest, schemaVersion: latestVersion + 1 };
  writeFileSync(newer, Buffer.concat([headerBytes({ ...body, mac: manifestMac(body, deriveKey(key, manifest.hubId, 'backup-manifest')) }), bytes.subarray(offset)]));
  refusals.push(['newer version', restoreInto('c', kit, newer), 'DB_NEWER_VERSION', /newer Outpost/]);
  refusals.push(['no keychain entry and no kit', runCli(['restore', backupFile, '--data-dir', join(parent, 'd'), '--json']), 'MASTER_KEY_MISSING', /outpost key export/]);
  for (const [what, pending, code, message] of refusals) {
    const r = await pending;
    assert.equal(r.code, 1, `${what}: ${r.stderr}`);
    const error = lastEvent(r.stdout) as { code: string; message: string; hint: string };
    assert.equal(error.code, code, `${what}: ${r.stderr}`);
    assert.match(`${error.message} ${error.hint}`, message, what);
    assert.match(error.hint, /Nothing has been changed/, `${what} says nothing changed`);
    assertUntouched(parent, before, what);
  }
  const used = join(parent, 'used');
  mkdirSync(used);
  writeFileSync(join(used, 'keep.txt'), 'mine');
  const refusedUsed = await restoreInto('used', kit);
  assert.equal((lastEvent(refusedUsed.stdout) as { code: string }).code, 'RESTORE_TARGET_IN_USE');
  assert.deepEqual(readdirSync(used), ['keep.txt'], 'a used directory is left as it was');

  // The restore itself: no keychain, the kit only.
  const restored = await restoreInto('restored', kit);
  assert.equal(restored.code, 0, restored.stderr);
  const dir = join(parent, 'restored');
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  const seqs = restoredSeqs(dir, kit);
  for (const [i, seqList] of ackedBefore.entries()) {
    const have = seqs.get(`meter-${i + 1}`) ?? new Set();
    const missing = seqList.filter((s) => !have.has(s));
    assert.deepEqual(missing, [], `meter-${i + 1}: every reading acknowledged before the backup started is restored (${seqList.length} acknowledged, ${have.size} restored)`);
  }
  assert.ok(!readdirSync(parent).some((n) => n.includes('.restore-')), 'no staging folder left');

  // The restored directory is a working hub: same identity and CA, started with the kit as its key file.
  const again = await startServe(['--data-dir', dir, '--key-file', kit, '--host', '127.0.0.1']);
  assert.equal(again.ready.hubId, summary.hubId);
  assert.equal(again.ready.caFingerprint, hub.serve.ready.caFingerprint, 'the CA came back with the backup: devices keep trusting the hub');
  await again.stop();
  assert.equal(dirname(dir), parent);
});
