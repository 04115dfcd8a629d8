import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setupCodePattern } from '../../src-shared/setup';
import { countUsers } from '../../src-main/access/queries/users';
import type { Hub } from '../../src-main/hub';
import { repoRoot, runCli, startServe } from '../helpers/cli';
import { startTestHub } from '../helpers/hub';
import { tempDir } from '../helpers/tmp';
import { everyCell, rpc } from './helpers';

const password = 'setup code passphrase';
const baseOf = (hub: Hub) => ({ url: `https://127.0.0.1:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem });
const setup = (hub: Hub, code: string, email = 'owner@example.com') => rpc(baseOf(hub), 'auth.setupOwner', { code, email, password });

test('the setup code creates the owner once, is audited, and only its hash is stored', async () => {
  const hub = await startTestHub();
  const code = hub.setupCode!;
  assert.match(code, setupCodePattern);
  assert.ok(!everyCell(hub.db).includes(code), 'the code itself is in no table');

  const wrong = await setup(hub, 'ABCD-EFGH-JKLM-NPQR-STUV');
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.code, 'INVALID_SETUP_CODE');
  assert.equal(countUsers(hub.db), 0);

  const made = await setup(hub, code);
  assert.equal(made.status, 200, JSON.stringify(made.body));
  const login = await rpc(baseOf(hub), 'auth.login', { email: 'owner@example.com', password });
  const user = (login.body.result as { user: { id: number; role: string; hubAdmin: boolean } }).user;
  assert.equal(user.role, 'owner');
  assert.equal(user.hubAdmin, true, 'the first owner owns the hub');

  const again = await setup(hub, code, 'intruder@example.com');
  assert.equal(again.status, 409, 'the code cannot be used twice');
  assert.equal(again.body.code, 'OWNER_EXISTS');
  assert.equal(countUsers(hub.db), 1);

  const rows = hub.db.prepare("SELECT actor, outcome, target_label AS label FROM audit_log WHERE action = 'auth.setupOwner' ORDER BY id").all() as { actor: string; outcome: string; label: string | null }[];
  const ok = rows.filter((r) => r.outcome === 'ok');
  assert.equal(ok.length, 1);
  assert.deepEqual(ok[0], { actor: `user:${user.id}`, outcome: 'ok', label: 'owner@example.com' });
  assert.ok(rows.length >= 3, 'the refusals are audited too');
});

test('an expired setup code is refused and spent; a restart makes a new one and the old one stops working', async () => {
  const dataDir = tempDir();
  const first = await startTestHub({ dataDir });
  const old = first.setupCode!;
  // An hour has passed: the stored expiry is in the past.
  first.db.prepare("UPDATE settings SET value = json_set(value, '$.expiresAt', 0) WHERE key = 'access.setupCode'").run();
  const expired = await setup(first, old);
  assert.equal(expired.status, 410);
  assert.equal(expired.body.code, 'SETUP_CODE_EXPIRED');
  assert.match(expired.body.message ?? '', /Restart the hub/);
  assert.equal(countUsers(first.db), 0, 'an expired code creates nobody');
  assert.equal((await setup(first, old)).body.code, 'INVALID_SETUP_CODE', 'a presented code is spent, expired or not');
  await first.stop();

  const second = await startTestHub({ dataDir });
  const fresh = second.setupCode!;
  assert.notEqual(fresh, old);
  assert.equal((await setup(second, old)).body.code, 'INVALID_SETUP_CODE', 'the previous start’s code no longer works');
  assert.equal((await setup(second, fresh)).status, 200);
});

test('once an owner exists (added by the CLI meanwhile) the code is refused, and the next start makes none', async () => {
  const dataDir = tempDir();
  const hub = await startTestHub({ dataDir });
  const code = hub.setupCode!;
  const add = await runCli(['user', 'add', 'script@example.com', '--role', 'owner', '--password-stdin', '--data-dir', dataDir, '--key-file', hub.config.keyFile!], { input: `${password}\n` });
  assert.equal(add.code, 0, add.stderr);
  const refused = await setup(hub, code);
  assert.equal(refused.status, 409);
  assert.equal(refused.body.code, 'OWNER_EXISTS');
  await hub.stop();
  const again = await startTestHub({ dataDir });
  assert.equal(again.setupCode, null);
  assert.equal(again.db.prepare("SELECT count(*) FROM settings WHERE key = 'access.setupCode'").pluck().get(), 0, 'no stale code stays stored');
});

test('serve prints the setup address (ready event, log, terminal) and a CLI command that works as printed', async () => {
  const dataDir = join(tempDir(), 'hub');
  const keyFile = join(dataDir, '..', 'master.key');
  const served = await startServe(['--data-dir', dataDir, '--key-file', keyFile, '--log-level', 'info']);
  const setupUrl = (served.ready as unknown as { setupUrl: string }).setupUrl;
  assert.match(setupUrl, /^https:\/\/127\.0\.0\.1:\d+\/#\/setup\/[A-Z2-9-]{24}$/);
  await served.stop();
  const log = readFileSync(join(dataDir, 'logs', 'outpost.log'), 'utf8');
  assert.ok(log.includes(setupUrl), 'the log file holds the setup address');

  // The terminal text of a second start (still no account): a new address and the command for scripts.
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src-main', 'cli', 'index.ts'), 'serve', '--data-dir', dataDir, '--key-file', keyFile, '--console-port', '0', '--https-port', '0', '--mqtts-port', '0'], { cwd: repoRoot });
  let text = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready text:\n${text}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('Press Ctrl+C')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  try {
    assert.match(text, /No account exists yet\. Create the owner account/);
    const url = /^\s+(https:\/\/\S+#\/setup\/\S+)$/m.exec(text)?.[1];
    assert.ok(url && url !== setupUrl, 'a new address on each start');
    const command = /^From a script instead: (.+)$/m.exec(text)?.[1];
    assert.ok(command, text);
    assert.ok(command.startsWith('npx outpost user add you@example.com --role owner --password-stdin'), command);
    assert.ok(command.includes(`--data-dir ${dataDir}`) && command.includes(`--key-file ${keyFile}`), 'the running hub’s data directory and key file are filled in');
    // Run exactly as printed, from where the user is (the checkout).
    const run = spawn('sh', ['-c', command], { cwd: repoRoot });
    let out = '';
    run.stdout.on('data', (d: Buffer) => (out += d.toString()));
    run.stderr.on('data', (d: Buffer) => (out += d.toString()));
    run.stdin.end(`${password}\n`);
    const code = await new Promise<number | null>((resolve) => run.once('exit', resolve));
    assert.equal(code, 0, out);
    assert.match(out, /Added you@example\.com as owner/);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
});

test('a CLI command against a data directory that does not exist says so and creates nothing (unless --init)', async () => {
  const missing = join(tempDir(), 'not-here');
  for (const args of [
    ['device', 'list'],
    ['user', 'add', 'owner@example.com', '--role', 'owner'],
    ['audit', 'list'],
  ]) {
    const r = await runCli([...args, '--data-dir', missing]);
    assert.notEqual(r.code, 0, `${args.join(' ')} must fail`);
    assert.match(r.stderr, /does not exist; nothing was created/);
    assert.match(r.stderr, /outpost serve --data-dir /, 'the hint names a command to start a hub there');
    assert.equal(existsSync(missing), false, `${args.join(' ')} created nothing`);
  }
  const init = await runCli(['user', 'add', 'owner@example.com', '--role', 'owner', '--init', '--data-dir', missing, '--key-file', `${missing}.key`]);
  assert.equal(init.code, 0, init.stderr);
  assert.ok(existsSync(join(missing, 'hub.json')), '--init creates the hub’s data directory');
});
