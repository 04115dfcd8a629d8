import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { decodeJwt } from 'jose';
import { createApiKey, mintAccessToken, revokeAccessTokenById, revokeApiKeyByName, verifyAccessToken } from '../../src-main/access/api-keys';
import { authenticate } from '../../src-main/access/authenticate';
import { createApp, revokeAppByName } from '../../src-main/access/apps';
import { login, logoutEverywhere } from '../../src-main/access/sessions';
import { addUser, removeMember, updateMember } from '../../src-main/access/users';
import { hashToken } from '../../src-main/security/tokens';
import { aaaOnTempDb, everyCell, manualClock } from './helpers';

const hour = 3_600_000;
const cli = { subject: 'cli', address: 'cli', role: null, userId: null } as const;
const password = 'a long enough passphrase';

async function setup() {
  const clock = manualClock();
  const { ctx, db, file } = aaaOnTempDb(clock.now);
  return { clock, ctx, db, file };
}

test('API key -> JWT: shown once, hash only stored, 6 h idle expiry, absolute expiry, tampering and revocation refused', async () => {
  const { clock, ctx, db, file } = await setup();
  const { key, apiKey } = createApiKey(ctx, cli, 1, 'firmware');
  assert.match(key, /^opk_[A-Za-z0-9_-]{43}$/);
  assert.ok(!('key' in apiKey), 'the list view never has the key');

  const minted = await mintAccessToken(ctx, key, '192.0.2.1');
  const claims = decodeJwt(minted.token);
  assert.equal(claims.sub, `apikey:${apiKey.id}`);
  assert.equal((await verifyAccessToken(ctx, minted.token, '192.0.2.1')).apiKeyId, apiKey.id);

  // Used every 5 h it stays alive...
  for (let i = 0; i < 3; i++) {
    clock.advance(5 * hour);
    await verifyAccessToken(ctx, minted.token, '192.0.2.1');
  }
  // ...but the signed expiry (24 h) still ends it.
  clock.advance(9 * hour + 1000);
  await assert.rejects(verifyAccessToken(ctx, minted.token, '192.0.2.1'), { code: 'INVALID_TOKEN' });

  // 6 h without use ends a token; 6 h minus a second does not.
  const idle = await mintAccessToken(ctx, key, '192.0.2.1');
  clock.advance(6 * hour - 1000);
  await verifyAccessToken(ctx, idle.token, '192.0.2.1');
  clock.advance(6 * hour + 1);
  await assert.rejects(verifyAccessToken(ctx, idle.token, '192.0.2.1'), { code: 'INVALID_TOKEN' });

  // Tampered payload or signature, another key's signature, alg=none: all refused.
  const fresh = await mintAccessToken(ctx, key, '192.0.2.1');
  const [h, p, s] = fresh.token.split('.') as [string, string, string];
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...payload, sub: 'apikey:999' })).toString('base64url');
  await assert.rejects(verifyAccessToken(ctx, `${h}.${forged}.${s}`, 'x'), { code: 'INVALID_TOKEN' });
  const flipped = s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.at(-1);
  await assert.rejects(verifyAccessToken(ctx, `${h}.${p}.${flipped}`, 'x'), { code: 'INVALID_TOKEN' });
  const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  await assert.rejects(verifyAccessToken(ctx, `${none}.${p}.`, 'x'), { code: 'INVALID_TOKEN' });

  // Individually revocable: one token ends, its sibling lives on.
  const sibling = await mintAccessToken(ctx, key, '192.0.2.1');
  revokeAccessTokenById(ctx, cli, 1, fresh.jti);
  await assert.rejects(verifyAccessToken(ctx, fresh.token, 'x'), { code: 'INVALID_TOKEN' });
  await verifyAccessToken(ctx, sibling.token, 'x');
  // Revoking the key ends every token minted from it, and minting.
  revokeApiKeyByName(ctx, cli, 1, 'firmware');
  await assert.rejects(verifyAccessToken(ctx, sibling.token, 'x'), { code: 'INVALID_TOKEN' });
  await assert.rejects(mintAccessToken(ctx, key, 'x'), { code: 'INVALID_API_KEY' });

  // Only the hash is in the database; neither key nor JWTs appear, not even in the file bytes.
  const cells = everyCell(db);
  assert.ok(!cells.includes(key) && !cells.includes(sibling.token) && !cells.includes(key.slice(4)));
  assert.ok(cells.includes(hashToken(key).toString('latin1')));
  assert.ok(!readFileSync(file).includes(Buffer.from(key)));
});

test('app tokens: shown once, hash only, expiry, revocation immediate; a disabled creator ends them', async () => {
  const { clock, ctx, db } = await setup();
  const owner = await addUser(ctx, cli, { email: 'owner@example.com', role: 'owner', orgId: 1, password });
  const admin = await addUser(ctx, cli, { email: 'admin@example.com', role: 'admin', orgId: 1, password });
  const { token } = createApp(ctx, { ...cli, userId: null }, 1, { name: 'etl', scopes: ['readings:read'] });
  const principal = await authenticate(ctx, token, '127.0.0.1');
  assert.equal(principal.kind, 'app');
  assert.ok(!everyCell(db).includes(token));

  revokeAppByName(ctx, cli, 1, 'etl');
  await assert.rejects(authenticate(ctx, token, '127.0.0.1'), { code: 'UNAUTHENTICATED' });

  const expiring = createApp(ctx, { ...cli, userId: null }, 1, { name: 'temp', scopes: ['devices:read'], expiresAt: clock.now() + hour });
  await authenticate(ctx, expiring.token, '127.0.0.1');
  clock.advance(hour);
  await assert.rejects(authenticate(ctx, expiring.token, '127.0.0.1'), { code: 'UNAUTHENTICATED' });

  const adminsApp = createApp(ctx, { subject: `user:${admin.id}`, address: 'x', role: 'admin', userId: admin.id }, 1, { name: 'mine', scopes: ['devices:read'] });
  await authenticate(ctx, adminsApp.token, '127.0.0.1');
  await updateMember(ctx, { subject: `user:${owner.id}`, address: 'x', role: 'owner' }, 1, admin.id, { disabled: true });
  await assert.rejects(authenticate(ctx, adminsApp.token, '127.0.0.1'), { code: 'UNAUTHENTICATED' });
});

test('sessions: 6 h idle expiry, absolute expiry, logout everywhere, disable and remove end them at once', async () => {
  const { clock, ctx, db } = await setup();
  const owner = await addUser(ctx, cli, { email: 'owner@example.com', role: 'owner', orgId: 1, password });
  const user = await addUser(ctx, cli, { email: 'r@example.com', role: 'reader', orgId: 1, password });
  const signIn = async () => (await login(ctx, { email: 'r@example.com', password }, '127.0.0.1')).token;

  const a = await signIn();
  assert.match(a, /^ops_/);
  assert.ok(!everyCell(db).includes(a) && !everyCell(db).includes(password));
  clock.advance(6 * hour - 1000);
  assert.equal((await authenticate(ctx, a, '127.0.0.1')).kind, 'user');
  clock.advance(6 * hour + 1);
  await assert.rejects(authenticate(ctx, a, '127.0.0.1'), { code: 'UNAUTHENTICATED' }, 'idle for 6 h');

  ctx.setPolicy({ ...ctx.policy(), sessionAbsoluteHours: 8 });
  const b = await signIn();
  for (let i = 0; i < 3; i++) {
    clock.advance(2 * hour);
    await authenticate(ctx, b, '127.0.0.1');
  }
  clock.advance(2 * hour);
  await assert.rejects(authenticate(ctx, b, '127.0.0.1'), { code: 'UNAUTHENTICATED' }, 'absolute expiry, however active');

  const c = await signIn();
  const d = await signIn();
  assert.ok(logoutEverywhere(ctx, user.id, 'x') >= 2);
  await assert.rejects(authenticate(ctx, c, 'x'));
  await assert.rejects(authenticate(ctx, d, 'x'));

  const ownerActor = { subject: `user:${owner.id}`, address: 'x', role: 'owner' as const };
  const e = await signIn();
  await updateMember(ctx, ownerActor, 1, user.id, { disabled: true });
  await assert.rejects(authenticate(ctx, e, 'x'), { code: 'UNAUTHENTICATED' });
  await assert.rejects(signIn(), { code: 'BAD_CREDENTIALS' }, 'a disabled user cannot sign in');
  await updateMember(ctx, ownerActor, 1, user.id, { disabled: false });
  const f = await signIn();
  removeMember(ctx, ownerActor, 1, user.id);
  await assert.rejects(authenticate(ctx, f, 'x'), { code: 'UNAUTHENTICATED' });
});

test('no escalation: apps never exceed their maker; another organisation’s admin cannot take over a shared account', async () => {
  const { ctx } = await setup();
  const adminActor = { subject: 'user:9', address: 'x', role: 'admin' as const, userId: null };
  assert.throws(() => createApp(ctx, adminActor, 1, { name: 'too-much', scopes: ['orgs:admin'] }), { code: 'FORBIDDEN' });
  createApp(ctx, adminActor, 1, { name: 'fine', scopes: ['devices:read', 'users:admin'] });
  const restricted = { ...adminActor, deviceIds: [1] };
  assert.throws(() => createApp(ctx, restricted, 1, { name: 'wider', scopes: ['devices:read'] }), { code: 'FORBIDDEN' });
  assert.throws(() => createApp(ctx, restricted, 1, { name: 'other', scopes: ['devices:read'], deviceIds: [2] }), { code: 'FORBIDDEN' });

  const org2 = ctx.db.prepare("INSERT INTO organisations (slug, name, created_at) VALUES ('customer', 'Customer', 0)").run().lastInsertRowid as number;
  const shared = await addUser(ctx, cli, { email: 'shared@example.com', role: 'owner', orgId: 1, password });
  const otherAdmin = { subject: 'user:77', address: 'x', role: 'admin' as const };
  await addUser(ctx, otherAdmin, { email: 'shared@example.com', role: 'reader', orgId: Number(org2), password: 'attacker chosen password' });
  assert.equal((await login(ctx, { email: 'shared@example.com', password, org: 'default' }, 'x')).user.role, 'owner', 'the old password still works');
  await assert.rejects(login(ctx, { email: 'shared@example.com', password: 'attacker chosen password' }, 'x'), { code: 'BAD_CREDENTIALS' });
  await assert.rejects(updateMember(ctx, otherAdmin, Number(org2), shared.id, { password: 'attacker chosen password' }), { code: 'SHARED_USER' });
  await assert.rejects(updateMember(ctx, otherAdmin, Number(org2), shared.id, { disabled: true }), { code: 'SHARED_USER' });
});
