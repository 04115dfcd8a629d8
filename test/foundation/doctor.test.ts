import assert from 'node:assert/strict';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';
import { initialiseHub, snapshot } from './fixture';

interface CheckEvent {
  event: 'check';
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

function checks(stdout: string): CheckEvent[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CheckEvent | { event: string })
    .filter((e): e is CheckEvent => e.event === 'check');
}

async function healthyDataDir(): Promise<string> {
  const dataDir = join(tempDir(), 'data');
  forgetKeychainEntryAfter(dataDir);
  await initialiseHub(['--data-dir', dataDir]);
  return dataDir;
}

test('outpost doctor on a healthy stopped hub: every check ok, exit 0', async () => {
  const dataDir = await healthyDataDir();
  const human = await runCli(['doctor', '--data-dir', dataDir]);
  assert.equal(human.code, 0, human.stdout + human.stderr);
  for (const name of ['data directory', 'keychain', 'master key', 'database', 'certificates']) {
    assert.match(human.stdout, new RegExp(`^ok +${name}: `, 'm'), `an ok line for ${name}`);
  }
  assert.doesNotMatch(human.stdout, /^FAIL/m);
  assert.match(human.stdout, /All checks passed\./);

  const json = await runCli(['doctor', '--data-dir', dataDir, '--json']);
  assert.equal(json.code, 0);
  const db = checks(json.stdout).find((c) => c.name === 'database');
  assert.ok(db?.ok);
  assert.match(db.detail, /encrypted, readable, schema \d+.*integrity ok/);
});

test('outpost doctor on a damaged database: exit non-zero, names the database problem and the fix, changes nothing', async () => {
  const dataDir = await healthyDataDir();
  const file = join(dataDir, 'outpost.db');
  const fd = openSync(file, 'r+');
  // Page 2 is the root page of the first table: always in use, so integrity_check must read it (a damaged free page is never read).
  writeSync(fd, Buffer.alloc(512, 0x5a), 0, 512, 4096 + 512);
  closeSync(fd);
  const before = snapshot(dataDir);

  const result = await runCli(['doctor', '--data-dir', dataDir, '--json']);
  assert.notEqual(result.code, 0);
  const db = checks(result.stdout).find((c) => c.name === 'database');
  assert.ok(db && !db.ok, `the database check fails: ${result.stdout}`);
  assert.match(db.detail, /outpost\.db|integrity/);
  assert.match(db.fix ?? '', /backup/, 'the fix is named');
  assert.ok(checks(result.stdout).find((c) => c.name === 'master key')?.ok, 'the key is fine: the problem is the file');

  const human = await runCli(['doctor', '--data-dir', dataDir]);
  assert.notEqual(human.code, 0);
  assert.match(human.stdout, /^FAIL +database: .*\n +fix: .*backup/m);
  assert.deepEqual(snapshot(dataDir), before, 'doctor only reads');
});

test('outpost doctor without a reachable keychain says so', async () => {
  const dataDir = await healthyDataDir();
  const result = await runCli(['doctor', '--data-dir', dataDir, '--json'], { env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/outpost-test-bus' } });
  assert.notEqual(result.code, 0);
  const keychain = checks(result.stdout).find((c) => c.name === 'keychain');
  assert.ok(keychain && !keychain.ok, result.stdout);
  assert.match(keychain.detail, /keychain/i);
  assert.match(keychain.fix ?? '', /--key-file/);
  const key = checks(result.stdout).find((c) => c.name === 'master key');
  assert.ok(key && !key.ok, 'without the keychain the master key cannot be read');
});
