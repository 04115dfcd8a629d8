import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApiKey, mintAccessToken } from '../../src-main/access/api-keys';
import { totp } from '../../src-main/access/totp';
import { createUser } from '../../src-main/access/users';
import { addDevice } from '../../src-main/devices/lifecycle';
import { startTestHub } from '../helpers/hub';
import { cliCaller, rpc } from './helpers';

const password = 'console flows passphrase';
const cli = cliCaller(1);

async function setup() {
  const hub = await startTestHub();
  const aaa = { ctx: hub.services.access };
  const base = { url: `https://127.0.0.1:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
  await createUser(aaa.ctx, cli, { email: 'owner@example.com', role: 'owner', password });
  const owner = ((await rpc(base, 'auth.login', { email: 'owner@example.com', password })).body.result as { token: string }).token;
  return { hub, aaa, base, owner };
}

function fromBase32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  return Buffer.from(bits.match(/.{8}/g)!.map((b) => Number.parseInt(b, 2)));
}

test('API key access tokens on the console API: scoped, individually revocable through the API', async () => {
  const { aaa, base, owner } = await setup();
  const { key } = createApiKey(aaa.ctx, cli, { name: 'firmware' });
  const first = await mintAccessToken(aaa.ctx, key, '127.0.0.1');
  const second = await mintAccessToken(aaa.ctx, key, '127.0.0.1');
  assert.equal((await rpc(base, 'devices.list', {}, first.token)).status, 200);
  assert.equal((await rpc(base, 'users.list', {}, first.token)).body.code, 'FORBIDDEN', 'API keys carry device scopes only');
  assert.equal((await rpc(base, 'accessTokens.revoke', { jti: first.jti }, owner)).status, 200);
  assert.equal((await rpc(base, 'devices.list', {}, first.token)).status, 401);
  assert.equal((await rpc(base, 'devices.list', {}, second.token)).status, 200, 'its sibling lives on');
  const [h, p, s] = second.token.split('.') as [string, string, string];
  const tampered = `${h}.${p.slice(0, -1)}${p.at(-1) === 'A' ? 'B' : 'A'}.${s}`;
  assert.equal((await rpc(base, 'devices.list', {}, tampered)).status, 401);
  assert.equal((await rpc(base, 'apiKeys.revoke', { name: 'firmware' }, owner)).status, 200);
  assert.equal((await rpc(base, 'devices.list', {}, second.token)).status, 401);
});

test('commands.send reaches the real command service with the caller, only for devices the caller may see', async () => {
  const { hub, aaa, base, owner } = await setup();
  const dIn = addDevice(hub.db, { label: 'valve' }).device.id;
  const dOut = addDevice(hub.db, { label: 'heater' }).device.id;
  await createUser(aaa.ctx, cli, { email: 'w@example.com', role: 'writer', password });
  assert.equal((await rpc(base, 'groups.create', { name: 'valves', deviceIds: [dIn], memberIds: [2] }, owner)).status, 200);
  const writer = ((await rpc(base, 'auth.login', { email: 'w@example.com', password })).body.result as { token: string }).token;

  // No device is connected: the RPC is recorded and reported pending.
  const sent = await rpc(base, 'commands.send', { deviceId: dIn, rpc: { method: 'reboot', params: { delay: 5 } } }, writer);
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  const result = sent.body.result as { id: string; status: string };
  assert.equal(result.status, 'pending');
  const row = hub.db.prepare('SELECT device_id, kind, method, params, requested_by FROM commands WHERE id = ?').get(result.id) as Record<string, unknown>;
  assert.deepEqual(row, { device_id: dIn, kind: 'rpc', method: 'reboot', params: JSON.stringify({ delay: 5 }), requested_by: 'user:2' });

  assert.equal((await rpc(base, 'commands.send', { deviceId: dOut, variable: 'on', value: 1 }, writer)).status, 404);
  assert.equal(hub.db.prepare('SELECT count(*) FROM commands').pluck().get(), 1, 'a refused command is never recorded');
  const audit = (await rpc(base, 'audit.query', { action: 'commands.send' }, owner)).body.result as { target: string; targetLabel: string; outcome: string; detail: { rpc?: string } }[];
  assert.deepEqual(
    audit.map((a) => [a.target, a.targetLabel, a.outcome, a.detail.rpc]),
    [
      [`device:${dOut}`, null, 'denied', undefined],
      [`device:${dIn}`, 'valve', 'ok', 'reboot'],
    ],
  );
});

test('TOTP second factor: enrol with the password again, confirm, sign-in needs the code, a code works once, removal needs password and code', async () => {
  const { hub, base, owner } = await setup();
  assert.equal((await rpc(base, 'auth.totpSetup', {}, owner)).body.code, 'INVALID_INPUT', 'enrolment needs the password');
  assert.equal((await rpc(base, 'auth.totpSetup', { password: 'not my password' }, owner)).body.code, 'BAD_PASSWORD');
  const setupAnswer = (await rpc(base, 'auth.totpSetup', { password }, owner)).body.result as { secret: string; uri: string };
  assert.match(setupAnswer.uri, /^otpauth:\/\/totp\/Outpost%3Aowner%40example\.com\?secret=[A-Z2-7]+&issuer=Outpost$/);
  const secret = fromBase32(setupAnswer.secret);
  // A code is good once, for its 30 s step: start the steps below right after a step begins, so the clock cannot move on midway.
  const intoStep = Date.now() % 30_000;
  if (intoStep > 1_000) await new Promise((r) => setTimeout(r, 30_000 - intoStep + 50));
  assert.equal((await rpc(base, 'auth.totpConfirm', { code: totp(secret, Date.now() / 1000 + 120) }, owner)).body.code, 'BAD_TOTP');
  // Confirmed with the previous step's code (clock drift is allowed), which is then used up.
  const confirmCode = totp(secret, Date.now() / 1000 - 30);
  assert.equal((await rpc(base, 'auth.totpConfirm', { code: confirmCode }, owner)).status, 200);
  assert.equal((await rpc(base, 'auth.login', { email: 'owner@example.com', password })).body.code, 'TOTP_REQUIRED');
  assert.equal((await rpc(base, 'auth.login', { email: 'owner@example.com', password, totp: '000000' })).status, 401);
  assert.equal((await rpc(base, 'auth.login', { email: 'owner@example.com', password, totp: confirmCode })).status, 401, 'a code is accepted once');
  const current = totp(secret, Date.now() / 1000);
  const signedIn = await rpc(base, 'auth.login', { email: 'owner@example.com', password, totp: current });
  assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
  assert.equal((await rpc(base, 'auth.login', { email: 'owner@example.com', password, totp: current })).status, 401, 'replaying a code within its window is refused');
  // The seed is sealed in the row, never stored as given.
  const row = hub.db.prepare('SELECT totp_secret FROM users WHERE id = 1').get() as { totp_secret: Buffer };
  assert.ok(!row.totp_secret.includes(secret));
  // Turning it off needs the password and a fresh code.
  const session = (signedIn.body.result as { token: string }).token;
  assert.equal((await rpc(base, 'auth.totpDisable', { password: 'wrong password!!', code: totp(secret, Date.now() / 1000 + 30) }, session)).body.code, 'BAD_PASSWORD');
  assert.equal((await rpc(base, 'auth.totpDisable', { password, code: current }, session)).body.code, 'BAD_TOTP', 'a used code does not switch it off');
  assert.equal((await rpc(base, 'auth.totpDisable', { password, code: totp(secret, Date.now() / 1000 + 30) }, session)).status, 200);
  assert.equal((await rpc(base, 'auth.login', { email: 'owner@example.com', password })).status, 200, 'no code needed any more');
});

test('accounting: requests and bytes per user and app per hour; audit records logins, new addresses and failures', async () => {
  const { base, owner } = await setup();
  for (let i = 0; i < 3; i++) await rpc(base, 'devices.list', {}, owner);
  const usage = (await rpc(base, 'accounting.query', {}, owner)).body.result as { subject: string; requests: number; bytesIn: number; bytesOut: number }[];
  const mine = usage.find((u) => u.subject === 'user:1')!;
  assert.ok(mine.requests >= 3);
  assert.ok(mine.bytesIn > 0 && mine.bytesOut > 0);
  await rpc(base, 'auth.login', { email: 'owner@example.com', password: 'not the password' });
  const entries = (await rpc(base, 'audit.query', { limit: 100 }, owner)).body.result as { action: string; outcome: string; address: string }[];
  assert.ok(entries.some((e) => e.action === 'auth.login' && e.outcome === 'ok'));
  assert.ok(entries.some((e) => e.action === 'auth.login' && e.outcome === 'failed' && e.address === '127.0.0.1'));
  assert.ok(entries.some((e) => e.action === 'auth.newAddress'));
  assert.ok(entries.some((e) => e.action === 'accounting.query') === false, 'plain reads are not logged');
});
