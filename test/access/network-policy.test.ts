import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApp } from '../../src-main/access/apps';
import { createUser } from '../../src-main/access/users';
import { httpsRequest } from '../helpers/https';
import { startTestHub } from '../helpers/hub';
import { cliCaller, rpc } from './helpers';

const password = 'network passphrase 1234';
const cli = cliCaller(1);

async function setup() {
  const hub = await startTestHub();
  const aaa = hub.services.access;
  const base = { url: `https://127.0.0.1:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
  await createUser(aaa, cli, { email: 'owner@example.com', role: 'owner', password });
  return { hub, aaa, base };
}

test('IP allowlist per app token and per user (IPv4 and IPv6 ranges), allowed and refused', async () => {
  const { aaa, base } = await setup();
  const inside = createApp(aaa, cli, { name: 'lan', scopes: ['devices:read'], allowIps: ['127.0.0.0/8', '::1/128'] }).token;
  const outside = createApp(aaa, cli, { name: 'office', scopes: ['devices:read'], allowIps: ['10.0.0.0/8', '2001:db8::/32'] }).token;
  assert.equal((await rpc(base, 'devices.list', {}, inside)).status, 200);
  const refused = await rpc(base, 'devices.list', {}, outside);
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'ADDRESS_NOT_ALLOWED');

  const user = await createUser(aaa, cli, { email: 'remote@example.com', role: 'reader', password });
  const login = () => rpc(base, 'auth.login', { email: 'remote@example.com', password });
  const session = (await login()).body.result as { token: string };
  assert.equal((await rpc(base, 'auth.me', {}, session.token)).status, 200);
  const owner = ((await rpc(base, 'auth.login', { email: 'owner@example.com', password })).body.result as { token: string }).token;
  assert.equal((await rpc(base, 'users.update', { id: user.id, allowIps: ['192.168.0.0/16'] }, owner)).status, 200);
  // The change applies to the session already open, and to new sign-ins.
  assert.equal((await rpc(base, 'auth.me', {}, session.token)).body.code, 'ADDRESS_NOT_ALLOWED');
  assert.equal((await login()).body.code, 'ADDRESS_NOT_ALLOWED');
  const bad = await rpc(base, 'users.update', { id: user.id, allowIps: ['10.0.0.0/40'] }, owner);
  assert.equal(bad.body.code, 'INVALID_CIDR');
});

test('CORS: preflights answered for allowlisted origins only; other origins refused; same origin passes', async () => {
  const { aaa, base } = await setup();
  const token = createApp(aaa, cli, { name: 'dash', scopes: ['devices:read'], allowOrigins: ['https://dash.example'] }).token;
  const preflight = (origin: string) =>
    httpsRequest(`${base.url}/api/rpc/devices.list`, {
      ca: base.ca,
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
  const ok = await preflight('https://dash.example');
  assert.equal(ok.status, 204);
  assert.equal(ok.headers['access-control-allow-origin'], 'https://dash.example');
  assert.match(String(ok.headers['access-control-allow-headers']), /authorization/);
  const no = await preflight('https://evil.example');
  assert.equal(no.status, 403);
  assert.equal(no.headers['access-control-allow-origin'], undefined);

  const allowed = await rpc(base, 'devices.list', {}, token, { origin: 'https://dash.example' });
  assert.equal(allowed.status, 200);
  assert.equal(allowed.headers['access-control-allow-origin'], 'https://dash.example');
  const refused = await rpc(base, 'devices.list', {}, token, { origin: 'https://evil.example' });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'ORIGIN_NOT_ALLOWED');
  assert.equal(refused.headers['access-control-allow-origin'], undefined);
  // Refusals carry the security headers like every other HTTPS answer.
  assert.match(String(refused.headers['strict-transport-security']), /max-age=\d+/);
  assert.equal(refused.headers['x-content-type-options'], 'nosniff');
  assert.equal(refused.headers['x-frame-options'], 'DENY');
  // The console's own page calls with its own origin.
  const host = new URL(base.url).host;
  const own = await rpc(base, 'auth.login', { email: 'owner@example.com', password }, undefined, { origin: `https://${host}` });
  assert.equal(own.status, 200);
  const foreignLogin = await rpc(base, 'auth.login', { email: 'owner@example.com', password }, undefined, { origin: 'https://evil.example' });
  assert.equal(foreignLogin.body.code, 'ORIGIN_NOT_ALLOWED');
});

test('server-only tokens refuse any request that carries an Origin header', async () => {
  const { aaa, base } = await setup();
  const token = createApp(aaa, cli, { name: 'backend', scopes: ['devices:read'], serverOnly: true, allowOrigins: ['https://dash.example'] }).token;
  assert.equal((await rpc(base, 'devices.list', {}, token)).status, 200);
  const refused = await rpc(base, 'devices.list', {}, token, { origin: 'https://dash.example' });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'SERVER_ONLY');
});

test('login redirect targets must be on the allowlist (no open redirects)', async () => {
  const { base } = await setup();
  const login = (returnTo: string) => rpc(base, 'auth.login', { email: 'owner@example.com', password, returnTo });
  const ok = await login('/devices/3');
  assert.equal((ok.body.result as { redirect: string }).redirect, '/devices/3');
  for (const evil of ['//evil.example/', 'https://evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
    const refused = await login(evil);
    assert.equal(refused.status, 400, evil);
    assert.equal(refused.body.code, 'REDIRECT_NOT_ALLOWED');
  }
  const owner = ((await login('/')).body.result as { token: string }).token;
  assert.equal((await rpc(base, 'settings.update', { redirectAllowlist: ['https://portal.example'] }, owner)).status, 200);
  assert.equal((await login('https://portal.example/after')).status, 200);
  assert.equal((await login('https://portal.example.evil.example/')).status, 400);
});

test('rate limits per token and per address answer 429 with Retry-After', async () => {
  const { aaa, base } = await setup();
  const token = createApp(aaa, cli, { name: 'chatty', scopes: ['devices:read'] }).token;
  const calm = createApp(aaa, cli, { name: 'calm', scopes: ['devices:read'] }).token;
  aaa.setPolicy({ ...aaa.policy(), rateLimit: { perAddress: { burst: 1000, perSecond: 1000 }, perToken: { burst: 3, perSecond: 0.01 } } });
  for (let i = 0; i < 3; i++) assert.equal((await rpc(base, 'devices.list', {}, token)).status, 200);
  const limited = await rpc(base, 'devices.list', {}, token);
  assert.equal(limited.status, 429);
  assert.equal(limited.body.code, 'RATE_LIMITED');
  assert.ok(Number(limited.headers['retry-after']) >= 1);
  assert.equal((await rpc(base, 'devices.list', {}, calm)).status, 200, 'another token has its own bucket');

  aaa.setPolicy({ ...aaa.policy(), rateLimit: { perAddress: { burst: 2, perSecond: 0.01 }, perToken: { burst: 1000, perSecond: 1000 } } });
  const answers = [];
  for (let i = 0; i < 4; i++) answers.push(await rpc(base, 'hub.status', {}));
  assert.equal(answers.at(-1)!.status, 429, 'the address bucket holds even without a credential');
  assert.ok(Number(answers.at(-1)!.headers['retry-after']) >= 1);
});

test('lockout: repeated bad passwords lock the account, for a growing time; someone else at the same address keeps working', async () => {
  const { aaa, base } = await setup();
  aaa.setPolicy({ ...aaa.policy(), lockout: { threshold: 3, baseMs: 60_000, maxMs: 3_600_000 } });
  await createUser(aaa, cli, { email: 'victim@example.com', role: 'reader', password });
  await createUser(aaa, cli, { email: 'colleague@example.com', role: 'reader', password });
  const colleague = ((await rpc(base, 'auth.login', { email: 'colleague@example.com', password })).body.result as { token: string }).token;
  for (let i = 0; i < 3; i++) assert.equal((await rpc(base, 'auth.login', { email: 'victim@example.com', password: 'wrong guess' })).body.code, 'BAD_CREDENTIALS');
  const locked = await rpc(base, 'auth.login', { email: 'victim@example.com', password });
  assert.equal(locked.status, 429, 'even the right password waits out the lock');
  assert.equal(locked.body.code, 'LOCKED_OUT');
  assert.ok(Number(locked.headers['retry-after']) > 0 && Number(locked.headers['retry-after']) <= 60);
  // The lock is the account's, not the address's: a valid session from the same address, and another account, still work.
  assert.equal((await rpc(base, 'auth.me', {}, colleague)).status, 200);
  assert.equal((await rpc(base, 'auth.login', { email: 'colleague@example.com', password })).status, 200);
  // Growth of the lock with each further failure is checked with a manual clock in primitives.test.ts.
});

test('bad tokens from one address slow down its refusals, but a good token from it is answered at once', async () => {
  const { aaa, base } = await setup();
  const good = createApp(aaa, cli, { name: 'good', scopes: ['devices:read'] }).token;
  // Past the threshold (10 recent failures) every further refusal to this address is held back, growing to 5 s.
  const bad = await Promise.all(Array.from({ length: 16 }, (_, i) => rpc(base, 'devices.list', {}, `opa_${'B'.repeat(40)}${String(i).padStart(3, '0')}`)));
  for (const answer of bad) assert.equal(answer.body.code, 'UNAUTHENTICATED');
  const started = Date.now();
  const ok = await rpc(base, 'devices.list', {}, good);
  const goodMs = Date.now() - started;
  assert.equal(ok.status, 200, 'a valid token from a noisy address is never refused');
  assert.ok(goodMs < 1500, `a valid token waited ${goodMs} ms`);
  const slowStart = Date.now();
  const slow = await rpc(base, 'devices.list', {}, `opa_${'C'.repeat(43)}`);
  assert.equal(slow.status, 401);
  assert.ok(Date.now() - slowStart >= 2000, `a guess from the noisy address was answered after ${Date.now() - slowStart} ms`);
  assert.ok(!JSON.stringify(slow.body).includes(good));
});

test('error answers never repeat a password or token they were given', async () => {
  const { base } = await setup();
  const guess = 'my secret guess 123';
  const wrong = await rpc(base, 'auth.login', { email: 'owner@example.com', password: guess });
  assert.equal(wrong.status, 401);
  const tooLong = await rpc(base, 'auth.login', { email: 'owner@example.com', password: `${guess}${'x'.repeat(1100)}` });
  assert.equal(tooLong.status, 400);
  const fakeToken = `ops_${'C'.repeat(43)}`;
  const badToken = await rpc(base, 'auth.me', {}, fakeToken);
  const badHeader = await rpc(base, 'auth.me', {}, undefined, { authorization: `Token ${fakeToken}` });
  for (const answer of [wrong, tooLong, badToken, badHeader]) {
    const text = JSON.stringify(answer.body);
    assert.ok(!text.includes(guess) && !text.includes(fakeToken), text);
    assert.ok(answer.body.message && /\. /.test(answer.body.message), 'says what happened and what to do');
  }
});

test('IPv6: an app limited to ::1/128 works over [::1]; one limited to IPv4 ranges is refused there', async () => {
  const hub = await startTestHub({ consoleHost: '::1' });
  const aaa = hub.services.access;
  const base = { url: `https://[::1]:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
  const v6 = createApp(aaa, cli, { name: 'v6', scopes: ['devices:read'], allowIps: ['::1/128'] }).token;
  const v4 = createApp(aaa, cli, { name: 'v4', scopes: ['devices:read'], allowIps: ['127.0.0.0/8'] }).token;
  assert.equal((await rpc(base, 'devices.list', {}, v6)).status, 200);
  assert.equal((await rpc(base, 'devices.list', {}, v4)).body.code, 'ADDRESS_NOT_ALLOWED');
});
