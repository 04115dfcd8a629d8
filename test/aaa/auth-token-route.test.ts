import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { test, after } from 'node:test';
import { createApiKey } from '../../src-main/aaa/api-keys';
import { handleAuthTokenRequest } from '../../src-main/aaa/auth-token-route';
import { serverTlsOptions } from '../../src-main/security/tls/server-options';
import { httpsRequest } from '../helpers/https';
import { startTestHub } from '../helpers/hub';
import { rpc } from './helpers';

const cli = { subject: 'cli', address: 'cli', role: null, userId: null } as const;

test('POST /api/v1.6/auth/token: x-ubidots-apikey -> a JWT the console accepts; bad keys refused and counted', async () => {
  const hub = await startTestHub();
  const aaa = hub.services.aaa!;
  aaa.ctx.setPolicy({ ...aaa.ctx.policy(), lockout: { threshold: 3, baseMs: 60_000, maxMs: 600_000 } });
  // Mounted on a bare HTTPS server with the hub's certificate, as the ingest listener will mount it.
  const server = createServer(serverTlsOptions(hub.tls), (req, res) => void handleAuthTokenRequest(aaa, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => server.close());
  const port = (server.address() as { port: number }).port;
  const ca = hub.tls.caCertPem;
  const mint = (key?: string) =>
    httpsRequest(`https://127.0.0.1:${port}/api/v1.6/auth/token`, { ca, method: 'POST', headers: key === undefined ? {} : { 'x-ubidots-apikey': key } });

  const { key } = createApiKey(aaa.ctx, cli, 1, 'fw');
  const ok = await mint(key);
  assert.equal(ok.status, 201);
  const { token } = JSON.parse(ok.body) as { token: string };
  const base = { url: `https://127.0.0.1:${hub.listeners.console!.port}`, ca };
  assert.equal((await rpc(base, 'devices.list', {}, token)).status, 200);

  assert.equal((await mint()).status, 400);
  const wrong = `opk_${'D'.repeat(43)}`;
  for (let i = 0; i < 3; i++) {
    const bad = await mint(wrong);
    assert.equal(bad.status, 401);
    assert.ok(!bad.body.includes(wrong));
  }
  const locked = await mint(key);
  assert.equal(locked.status, 429, 'the address is locked out, even for a good key');
  assert.ok(Number(locked.headers['retry-after']) > 0);
});
