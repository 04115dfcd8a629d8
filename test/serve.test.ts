import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { connect } from 'node:tls';
import { runCli, startServe } from './helpers/cli';
import { httpsRequest } from './helpers/https';
import { forgetKeychainEntryAfter } from './helpers/keychain';
import { tempDir } from './helpers/tmp';

test('outpost serve --json: ready line, console over TLS with the hub CA, SIGTERM exits 0 within 2 s', async () => {
  const dataDir = tempDir();
  forgetKeychainEntryAfter(dataDir);
  const serve = await startServe(['--data-dir', dataDir]);
  const { ready } = serve;

  assert.equal(serve.events[0]?.event, 'ready', 'the first line is the ready event');
  assert.equal(ready.dataDir, dataDir);
  assert.equal(ready.listeners.console?.host, '127.0.0.1', 'the console binds to loopback only by default');
  assert.ok((ready.listeners.console?.port ?? 0) > 0, 'port 0 became a real port');
  assert.match(ready.caFingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

  const ca = readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8');
  const port = ready.listeners.console!.port;
  for (const host of ['localhost', '127.0.0.1']) {
    // Before sign-in the hub tells only its CA fingerprint; hub.status needs a credential.
    const answer = await httpsRequest(`https://${host}:${port}/api/rpc/hub.info`, { ca, method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body), { result: { caFingerprint: ready.caFingerprint } });
    const status = await httpsRequest(`https://${host}:${port}/api/rpc/hub.status`, { ca, method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(status.status, 401);
    assert.match(String(answer.headers['strict-transport-security']), /max-age=\d+/);
  }

  // The printed CA is the one that verifies the console.
  const caOut = await runCli(['ca', '--data-dir', dataDir, '--json']);
  assert.equal(caOut.code, 0);
  const caEvent = JSON.parse(caOut.stdout) as { pem: string; fingerprintSha256: string };
  assert.equal(caEvent.pem, ca);
  assert.equal(caEvent.fingerprintSha256, ready.caFingerprint);

  // TLS 1.1 is refused.
  await assert.rejects(
    new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost', maxVersion: 'TLSv1.1', minVersion: 'TLSv1' }, () => resolve(socket));
      socket.on('error', reject);
    }),
  );

  const { code, ms } = await serve.stop('SIGTERM');
  assert.equal(code, 0);
  assert.ok(ms < 2000, `stopped in ${ms} ms`);
  assert.equal(serve.events.at(-1)?.event, 'stopped');
});

test('a second serve on the same data directory is refused while the first runs', async () => {
  const dataDir = tempDir();
  forgetKeychainEntryAfter(dataDir);
  const first = await startServe(['--data-dir', dataDir]);
  await assert.rejects(startServe(['--data-dir', dataDir]), (err: { code?: string }) => err.code === 'HUB_ALREADY_RUNNING');
  const stopped = await first.stop();
  assert.equal(stopped.code, 0, `exit ${stopped.code} ${first.child.signalCode}: ${first.stderr()}`);
  const again = await startServe(['--data-dir', dataDir]);
  assert.equal(again.ready.hubId, first.ready.hubId);
  assert.equal((await again.stop()).code, 0);
});
