import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, startServe } from '../helpers/cli';
import { httpsRequest } from '../helpers/https';
import { curl } from '../helpers/ingest';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';

test('token in URL: refused with a hint by default, allowed, flagged insecure and audited once `outpost settings set token-in-url on` runs, refused again when off', async () => {
  const dataDir = tempDir();
  forgetKeychainEntryAfter(dataDir);
  const serve = await startServe(['--data-dir', dataDir, '--host', '127.0.0.1']);
  const caFile = join(dataDir, 'tls', 'ca.crt');
  const ca = readFileSync(caFile, 'utf8');
  const https = `https://localhost:${serve.ready.listeners.https!.port}`;
  const added = await runCli(['device', 'add', 'meter', '--data-dir', dataDir, '--json']);
  const { token } = JSON.parse(added.stdout) as { token: string };
  // The hub status (with its insecure flags) is for signed-in callers: an app token reads it.
  const probe = JSON.parse((await runCli(['app', 'add', 'probe', '--scopes', 'devices:read', '--data-dir', dataDir, '--json'])).stdout) as { token: string };
  const insecure = async () => {
    const answer = await httpsRequest(`https://localhost:${serve.ready.listeners.console!.port}/api/rpc/hub.status`, {
      ca,
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${probe.token}` },
    });
    return (JSON.parse(answer.body) as { result: { insecure: string[] } }).result.insecure.filter((s) => s.includes('token in URL'));
  };
  const viaQuery = () => curl(caFile, ['-H', 'Content-Type: application/json', '-d', '{"kwh": 3}', `${https}/api/v1.6/devices/meter?token=${token}`]);
  const viaThingsBoard = () => curl(caFile, ['-H', 'Content-Type: application/json', '-d', '{"ts": 1700000000000, "values": {"kwh": 4}}', `${https}/api/v1/${token}/telemetry`]);

  const setting = await runCli(['settings', 'get', 'token-in-url', '--data-dir', dataDir]);
  assert.equal(setting.stdout.trim(), 'token-in-url = off');
  for (const attempt of [viaQuery, viaThingsBoard]) {
    const refused = await attempt();
    assert.equal(refused.status, 401);
    const body = JSON.parse(refused.body) as { code: string; message: string };
    assert.equal(body.code, 'TOKEN_IN_URL_DISABLED');
    assert.match(body.message, /outpost settings set token-in-url on/);
    assert.ok(!refused.body.includes(token), 'the token is never echoed');
  }
  assert.deepEqual(await insecure(), []);

  const on = await runCli(['settings', 'set', 'token-in-url', 'on', '--data-dir', dataDir]);
  assert.equal(on.code, 0, on.stderr);
  assert.match(on.stdout, /Warning: token in URL is on/);
  // The running hub notices the CLI's commit (DbWatcher, every 250 ms).
  const until = Date.now() + 5000;
  while ((await insecure()).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  assert.equal((await insecure()).length, 1, 'the hub status flags the setting');

  const query = await viaQuery();
  assert.equal(query.status, 200, query.body);
  const tb = await viaThingsBoard();
  assert.equal(tb.status, 200, tb.body);
  const attrsIn = await curl(caFile, ['-H', 'Content-Type: application/json', '-d', '{"firmware": "1.2.3", "rssi": -60}', `${https}/api/v1/${token}/attributes`]);
  assert.equal(attrsIn.status, 200, attrsIn.body);
  const attrsOut = await curl(caFile, [`${https}/api/v1/${token}/attributes?clientKeys=firmware`]);
  assert.deepEqual(JSON.parse(attrsOut.body), { client: { firmware: '1.2.3' }, shared: {} });

  const readings = await runCli(['readings', 'meter', '--data-dir', dataDir, '--json']);
  assert.deepEqual((JSON.parse(readings.stdout) as { readings: { value: number }[] }).readings.map((r) => r.value).sort(), [3, 4]);

  const off = await runCli(['settings', 'set', 'token-in-url', 'off', '--data-dir', dataDir]);
  assert.equal(off.code, 0);
  const until2 = Date.now() + 5000;
  while ((await insecure()).length > 0 && Date.now() < until2) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(await insecure(), [], 'the flag goes away with the setting');
  assert.equal((await viaQuery()).status, 401);

  // Every use and every refusal is in the hash-chained audit log, without the token.
  const exported = await runCli(['audit', 'export', '--format', 'jsonl', '--data-dir', dataDir]);
  assert.equal(exported.code, 0, exported.stderr);
  const entries = exported.stdout.trim().split('\n').map((l) => JSON.parse(l) as { action: string; target: string; targetLabel: string | null; outcome: string; actor: string });
  const uses = entries.filter((e) => e.action === 'ingest.token-in-url');
  const ok = uses.filter((e) => e.outcome === 'ok');
  assert.equal(ok.length, 4);
  for (const e of ok) {
    assert.match(e.actor, /^device:\d+$/);
    assert.equal(e.targetLabel, 'meter');
  }
  assert.ok(uses.filter((e) => e.outcome === 'denied').length >= 3);
  assert.ok(!exported.stdout.includes(token), 'the token never reaches the audit log');
  assert.equal((await runCli(['audit', 'verify', '--data-dir', dataDir])).code, 0, 'the chain stays intact');

  await serve.stop();
  const log = serve.stderr();
  assert.match(log, /device token accepted in a URL/, 'each use is also a warning in the log');
  assert.ok(!log.includes(token), 'the token never reaches the log');
});

test('`outpost settings` refuses unknown keys and values with a clear error', async () => {
  const dataDir = tempDir();
  forgetKeychainEntryAfter(dataDir);
  const serve = await startServe(['--data-dir', dataDir]);
  const unknown = await runCli(['settings', 'set', 'no-such-thing', 'on', '--data-dir', dataDir]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no setting "no-such-thing".*token-in-url/);
  const bad = await runCli(['settings', 'set', 'ingest.tokenInUrl', 'maybe', '--data-dir', dataDir]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /"maybe" is not a valid value for token-in-url/);
  const list = await runCli(['settings', 'list', '--data-dir', dataDir, '--json']);
  const settings = list.stdout.trim().split('\n').map((line) => JSON.parse(line) as { name: string });
  assert.deepEqual(settings.find((s) => s.name === 'token-in-url'), { event: 'setting', name: 'token-in-url', key: 'ingest.tokenInUrl', value: false });
  await serve.stop();
});
