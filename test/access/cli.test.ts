import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { databasePath } from '../../src-main/lifecycle/data-dir';
import { deriveKey } from '../../src-main/security/derive';
import { readIdentity } from '../../src-main/security/hub-identity';
import { resolveMasterKey } from '../../src-main/security/master-key';
import { OsKeychain } from '../../src-main/security/secret-store';
import { openDatabase } from '../../src-main/store/database';
import { runCli, startServe } from '../helpers/cli';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';
import { everyCell, rpc } from './helpers';

const ownerPassword = 'first owner passphrase';
const readerPassword = 'reader passphrase 5678';

function jsonEvent<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

test('CLI next to a running hub: bootstrap owner, apps, API keys, users, groups; revokes and disables apply at once; audit verify finds tampering; no secret in clear', async () => {
  const dataDir = tempDir();
  forgetKeychainEntryAfter(dataDir);
  const cli = async (args: string[], input?: string) => {
    const r = await runCli([...args, '--data-dir', dataDir], input === undefined ? {} : { input });
    transcripts.push(r.stdout, r.stderr);
    return r;
  };
  const transcripts: string[] = [];

  // The first owner, on a data directory that does not exist yet.
  const bootstrap = await cli(['user', 'add', 'owner@example.com', '--role', 'owner', '--password-stdin', '--json'], `${ownerPassword}\n`);
  assert.equal(bootstrap.code, 0, bootstrap.stderr);
  assert.equal(jsonEvent<{ user: { role: string } }>(bootstrap.stdout).user.role, 'owner');

  const serve = await startServe(['--data-dir', dataDir]);
  try {
    const base = { url: `https://127.0.0.1:${serve.ready.listeners.console!.port}`, ca: readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8') };
    const owner = await rpc(base, 'auth.login', { email: 'owner@example.com', password: ownerPassword });
    assert.equal(owner.status, 200, JSON.stringify(owner.body));
    const ownerToken = (owner.body.result as { token: string }).token;

    // An app token is printed once; it works until `app revoke`, then not on the very next request.
    const appAdd = await cli(['app', 'add', 'etl', '--scopes', 'devices:read,readings:read', '--json']);
    assert.equal(appAdd.code, 0, appAdd.stderr);
    const appToken = jsonEvent<{ token: string }>(appAdd.stdout).token;
    assert.equal((await rpc(base, 'devices.list', {}, appToken)).status, 200);
    const listed = await cli(['app', 'list', '--json']);
    assert.ok(!listed.stdout.includes(appToken), 'lists never show the token again');
    assert.equal((await cli(['app', 'revoke', 'etl'])).code, 0);
    const afterRevoke = await rpc(base, 'devices.list', {}, appToken);
    assert.equal(afterRevoke.status, 401);
    assert.ok(!JSON.stringify(afterRevoke.body).includes(appToken), 'the refusal does not echo the token');

    // A reader in a group sees the group's devices; disabling them ends their session at once.
    assert.equal((await cli(['device', 'add', 'boiler'])).code, 0);
    assert.equal((await cli(['user', 'add', 'reader@example.com', '--role', 'reader', '--password-stdin'], readerPassword)).code, 0);
    assert.equal((await cli(['group', 'add', 'boilers', '--devices', 'boiler'])).code, 0);
    assert.equal((await cli(['group', 'member', 'add', 'boilers', 'reader@example.com'])).code, 0);
    const missing = await cli(['group', 'add', 'pumps', '--devices', 'no-such-device']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no-such-device[\s\S]*what to do:/);
    const reader = ((await rpc(base, 'auth.login', { email: 'reader@example.com', password: readerPassword })).body.result as { token: string }).token;
    const seen = await rpc(base, 'devices.list', {}, reader);
    assert.deepEqual((seen.body.result as { label: string }[]).map((d) => d.label), ['boiler']);
    assert.equal((await cli(['user', 'disable', 'reader@example.com'])).code, 0);
    assert.equal((await rpc(base, 'devices.list', {}, reader)).status, 401);

    const users = await cli(['user', 'list', '--json']);
    assert.deepEqual(jsonEvent<{ users: { email: string; disabled: boolean }[] }>(users.stdout).users.map((u) => [u.email, u.disabled]), [
      ['owner@example.com', false],
      ['reader@example.com', true],
    ]);

    const keyAdd = await cli(['apikey', 'add', 'firmware', '--json']);
    const apiKey = jsonEvent<{ key: string }>(keyAdd.stdout).key;
    assert.match(apiKey, /^opk_/);
    assert.ok(!(await cli(['apikey', 'list', '--json'])).stdout.includes(apiKey));

    // Console calls are in the same chain as CLI writes.
    assert.equal((await rpc(base, 'users.list', {}, ownerToken)).status, 200);
    const verified = await cli(['audit', 'verify']);
    assert.equal(verified.code, 0, verified.stdout);
    assert.match(verified.stdout, /intact/);
    const jsonl = (await cli(['audit', 'export', '--format', 'jsonl'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: number; action: string; actor: string });
    assert.ok(jsonl.some((e) => e.action === 'auth.login' && e.actor === 'user:1'));
    assert.ok(jsonl.some((e) => e.action === 'users.list'), 'reads of personal data are recorded');
    assert.ok(jsonl.some((e) => e.action === 'apps.revoke' && e.actor.startsWith('cli:')), 'CLI writes are audited like console writes, by the same registry');
    const csv = (await cli(['audit', 'export', '--format', 'csv'])).stdout.split('\n');
    assert.equal(csv[0], 'id,ts,time,org,actor,action,target,targetLabel,outcome,address,detail,hash');
    assert.equal(csv.filter(Boolean).length, jsonl.length + 2, 'header + every row, plus the jsonl export itself');

    const logs = serve.stderr();
    // The database, the logs and every CLI answer: no password, token or key in clear.
    const { key } = await resolveMasterKey({ dataDir, secretStore: new OsKeychain() });
    const hubId = readIdentity(dataDir)!.hubId;
    const db = openDatabase({ file: databasePath(dataDir), key: deriveKey(key, hubId, 'database') });
    try {
      const cells = everyCell(db);
      for (const secret of [ownerPassword, readerPassword, appToken, apiKey, ownerToken, reader]) {
        assert.ok(!cells.includes(secret), 'a secret is stored in clear');
        assert.ok(!logs.includes(secret), 'a secret is in the hub log');
      }
      const oneTimeOutputs = new Set([appAdd.stdout, keyAdd.stdout]);
      for (const text of transcripts.filter((t) => !oneTimeOutputs.has(t))) {
        for (const secret of [ownerPassword, readerPassword, appToken, apiKey]) assert.ok(!text.includes(secret), 'a secret in CLI output other than its one-time display');
      }

      // Tampering with the chain, with the key in hand: verify names the rows.
      db.prepare("UPDATE audit_log SET outcome = 'denied' WHERE id = 3").run();
      const edited = await cli(['audit', 'verify', '--json']);
      assert.equal(edited.code, 1);
      const report = jsonEvent<{ ok: boolean; problems: { id: number; problem: string }[] }>(edited.stdout);
      assert.deepEqual(report.problems[0], { ...report.problems[0], id: 3, problem: 'edited' });
      db.prepare("UPDATE audit_log SET outcome = 'ok' WHERE id = 3").run();
      assert.equal((await cli(['audit', 'verify'])).code, 0, 'restored row: intact again');
      db.prepare('DELETE FROM audit_log WHERE id = 5').run();
      const deleted = await cli(['audit', 'verify']);
      assert.equal(deleted.code, 1);
      assert.match(deleted.stdout, /row 6: Rows 5\.\.5 are missing/);
    } finally {
      db.close();
      key.fill(0);
    }
  } finally {
    assert.equal((await serve.stop()).code, 0);
  }
});
