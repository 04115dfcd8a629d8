import assert from 'node:assert/strict';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { deriveKey } from '../../src-main/security/derive';
import { openDatabase } from '../../src-main/store/database';
import { startServe } from '../helpers/cli';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';
import { expectServeFailure, initialiseHub, snapshot, writeKeyFile } from './fixture';

/** A Secret Service that cannot be reached: what a headless box without a keyring looks like. */
const noKeychain = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/outpost-test-bus' };

async function keyFileHub(): Promise<{ dataDir: string; keyFile: string; args: string[]; hubId: string }> {
  const root = tempDir();
  const dataDir = join(root, 'data');
  const keyFile = join(root, 'master.key');
  const args = ['--data-dir', dataDir, '--key-file', keyFile];
  const hubId = await initialiseHub(args);
  assert.equal(statSync(keyFile).mode & 0o777, 0o600, 'the hub creates its key file owner-only');
  return { dataDir, keyFile, args, hubId };
}

/** The refusal changed nothing, and the hub still starts with the right key. */
async function assertUntouchedAndStarts(dataDir: string, before: Record<string, string>, args: string[], hubId: string): Promise<void> {
  assert.deepEqual(snapshot(dataDir), before, 'outpost.db and hub.json are byte-for-byte unchanged');
  assert.ok(!existsSync(join(dataDir, 'serve.lock')), 'a failed start leaves no lock behind');
  const serve = await startServe(args);
  assert.equal(serve.ready.hubId, hubId);
  assert.equal((await serve.stop()).code, 0);
}

test('key file problems: wrong key, readable by others, garbage; each refused with its own code and nothing damaged', async () => {
  const { dataDir, keyFile, args, hubId } = await keyFileHub();
  const before = snapshot(dataDir);
  assert.ok(before['outpost.db'] && before['hub.json']);
  const dir = join(dataDir, '..');

  const other = writeKeyFile(join(dir, 'other.key'));
  const wrong = await expectServeFailure(['--data-dir', dataDir, '--key-file', other], 'KEY_MISMATCH', /--key-file/);
  assert.match(wrong.error.message, /not the key this data directory was created with/);

  const insecure = join(dir, 'insecure.key');
  writeFileSync(insecure, readFileSync(keyFile));
  chmodSync(insecure, 0o644);
  const loose = await expectServeFailure(['--data-dir', dataDir, '--key-file', insecure], 'KEY_FILE_INSECURE', /chmod 600/);
  assert.match(loose.error.message, /0644/);

  const garbage = writeKeyFile(join(dir, 'garbage.key'), 0o600, 'this is not a key\n');
  await expectServeFailure(['--data-dir', dataDir, '--key-file', garbage], 'KEY_FILE_INVALID', /--key-file|key file/);

  await expectServeFailure(['--data-dir', dataDir], 'MASTER_KEY_MISSING', /--key-file/);

  await assertUntouchedAndStarts(dataDir, before, args, hubId);
});

test('no reachable keychain: a first run is refused with KEYCHAIN_UNAVAILABLE and creates nothing', async () => {
  const dataDir = join(tempDir(), 'data');
  const { error } = await expectServeFailure(['--data-dir', dataDir], 'KEYCHAIN_UNAVAILABLE', /--key-file/, noKeychain);
  assert.match(error.message, /keychain/i);
  assert.ok(!existsSync(join(dataDir, 'hub.json')), 'no identity is written without a stored key');
  assert.ok(!existsSync(join(dataDir, 'outpost.db')), 'no database is created without a stored key');
});

test('no reachable keychain on a data directory keyed from it: refused, data untouched, starts again once the keychain is back', async () => {
  const dataDir = join(tempDir(), 'data');
  forgetKeychainEntryAfter(dataDir);
  const hubId = await initialiseHub(['--data-dir', dataDir]);
  const before = snapshot(dataDir);
  await expectServeFailure(['--data-dir', dataDir], ['MASTER_KEY_MISSING', 'KEYCHAIN_UNAVAILABLE'], /keychain/i, noKeychain);
  await assertUntouchedAndStarts(dataDir, before, ['--data-dir', dataDir], hubId);
});

test('a database written by a newer Outpost is refused with DB_NEWER_VERSION and left as it is', async () => {
  const { dataDir, keyFile, args, hubId } = await keyFileHub();
  const master = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex');
  const key = deriveKey(master, hubId, 'database');
  const db = openDatabase({ file: join(dataDir, 'outpost.db'), key });
  const current = db.pragma('user_version', { simple: true }) as number;
  db.pragma('user_version = 9999');
  db.close();

  const before = snapshot(dataDir);
  const { error } = await expectServeFailure(args, 'DB_NEWER_VERSION', /newer Outpost|backup/);
  assert.match(error.message, /9999/);
  assert.deepEqual(snapshot(dataDir), before);

  const restore = openDatabase({ file: join(dataDir, 'outpost.db'), key });
  restore.pragma(`user_version = ${current}`);
  restore.close();
  await assertUntouchedAndStarts(dataDir, snapshot(dataDir), args, hubId);
});

function overwrite(file: string, position: number, bytes: Buffer): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, position);
  } finally {
    closeSync(fd);
  }
}

for (const damage of [
  {
    // Page 2 is the first table's root page, always in use; a damaged *free* page is never read, so it would prove nothing.
    name: 'bytes overwritten inside a table page',
    apply: (file: string) => overwrite(file, 4096 + 512, Buffer.from('outpost corruption test '.repeat(8))),
  },
  { name: 'the whole file zeroed', apply: (file: string) => overwrite(file, 0, Buffer.alloc(statSync(file).size)) },
  { name: 'the file truncated to half', apply: (file: string) => truncateSync(file, Math.floor(statSync(file).size / 2)) },
  { name: 'the file truncated to 100 bytes', apply: (file: string) => truncateSync(file, 100) },
]) {
  test(`a damaged database (${damage.name}) is refused with DB_CORRUPT, cleanly and without changing the file`, async () => {
    const { dataDir, args } = await keyFileHub();
    const file = join(dataDir, 'outpost.db');
    assert.ok(!existsSync(`${file}-wal`) || statSync(`${file}-wal`).size === 0, 'a clean stop leaves no pending WAL');
    damage.apply(file);
    const before = snapshot(dataDir);
    const { result, error } = await expectServeFailure(args, 'DB_CORRUPT', /backup|doctor/);
    assert.doesNotMatch(result.stderr, /unexpected failure|Segmentation|core dumped/i);
    assert.match(error.message, /outpost\.db/);
    assert.deepEqual(snapshot(dataDir), before, 'the damaged file is kept as it was, for recovery');
  });
}

function listenOn(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

test('a console port in use is refused with PORT_IN_USE, naming the flag, and no listener stays bound', async () => {
  const dataDir = join(tempDir(), 'data');
  forgetKeychainEntryAfter(dataDir);
  const hubId = await initialiseHub(['--data-dir', dataDir]);
  const busy = createServer();
  const busyPort = await listenOn(busy, 0);
  // Two other fixed ports the hub binds before the console; they must be free again afterwards.
  const probes = [createServer(), createServer()];
  const fixed = await Promise.all(probes.map((s) => listenOn(s, 0)));
  await Promise.all(probes.map(close));
  try {
    const before = snapshot(dataDir);
    const { error } = await expectServeFailure(
      ['--data-dir', dataDir, '--https-port', String(fixed[0]), '--mqtts-port', String(fixed[1]), '--console-port', String(busyPort)],
      'PORT_IN_USE',
      /--console-port/,
    );
    assert.match(error.message, new RegExp(`:${busyPort}\\b`));
    for (const port of fixed) {
      const again = createServer();
      assert.equal(await listenOn(again, port!), port, `port ${port} is free again`);
      await close(again);
    }
    await assertUntouchedAndStarts(dataDir, before, ['--data-dir', dataDir], hubId);
  } finally {
    await close(busy);
  }
});

test('a data directory that cannot be created is refused with DATA_DIR_NOT_WRITABLE', async () => {
  const root = tempDir();
  writeFileSync(join(root, 'file'), 'a regular file, not a folder');
  const dataDir = join(root, 'file', 'sub');
  const { error } = await expectServeFailure(['--data-dir', dataDir], 'DATA_DIR_NOT_WRITABLE', /--data-dir/);
  assert.match(error.message, /file\/sub/);
  assert.equal(readFileSync(join(root, 'file'), 'utf8'), 'a regular file, not a folder');
});
