import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { decodeJwt } from 'jose';
import { createApiKey, mintAccessToken, revokeAccessTokenById, revokeApiKeyByName, verifyAccessToken } from '../../src-main/access/api-keys';
import { authenticate } from '../../src-main/access/authenticate';
import { createApp, revokeAppByName } from '../../src-main/access/apps';
import { login, logoutEverywhere } from '../../src-main/access/sessions';
import { createUser, removeMember, updateMember } from '../../src-main/access/users';
import { hashToken } from '../../src-main/security/tokens';
import { accessOnTempDb, cliCaller, everyCell, manualClock, userCaller } from './helpers';

const hour = 3_600_000;
const cli = cliCaller(1);
const password = 'a long enough passphrase';

async function setup() {
  const clock = manualClock();
  const { ctx, db, file } = accessOnTempDb(clock.now);
  return { clock, ctx, db, file };
}

test('API key -> JWT: shown once, hash only stored, 6 h idle expiry, absolute expiry, tampering and revocation refused', async () => {
  const { clock, ctx, db, file } = await setup();
  const { key, apiKey } = createApiKey(ctx, cli, { name: 'firmware' });
  assert.match(key, /^opk_[A-Za-z0-9_-]{43}$/);
  assert.ok(!('key' in apiKey), 'the list view never has the key');

  const minted = await mintAccessToken(ctx, key, '192.0.2.1');
  const claims = decodeJwt(minted.token);
  assert.equal(claims.sub, `apikey:${apiKey.id}`);
  assert.equal((await verifyAccessToken(ctx, minted.token)).apiKeyId, apiKey.id);

  // Used every 5 h it stays alive...
  for (let i = 0; i < 3; i++) {
    clock.advance(5 * hour);
    await verifyAccessToken(ctx, minted.token);
  }
  // ...but the signed expiry (24 h) still ends it.
  clock.advance(9 * hour + 1000);
  await assert.rejects(verifyAccessToken(ctx, minted.token), { code: 'INVALID_TOKEN' });

  // 6 h without use ends a token; 6 h minus a second does not.
  const idle = await mintAccessToken(ctx, key, '192.0.2.1');
  clock.advance(6 * hour - 1000);
  await verifyAccessToken(ctx, idle.token);
  clock.advance(6 * hour + 1);
  await assert.rejects(verifyAccessToken(ctx, idle.token), { code: 'INVALID_TOKEN' });

  // Tampered payload or signature, another key's signature, alg=none: all refused.
  const fresh = await mintAccessToken(ctx, key, '192.0.2.1');
  const [h, p, s] = fresh.token.split('.') as [string, string, string];
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...payload, sub: 'apikey:999' })).toString('base64url');
  await assert.rejects(verifyAccessToken(ctx, `${h}.${forged}.${s}`), { code: 'INVALID_TOKEN' });
  const flipped = s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.at(-1);
  await assert.rejects(verifyAccessToken(ctx, `${h}.${p}.${flipped}`), { code: 'INVALID_TOKEN' });
  const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  await assert.rejects(verifyAccessToken(ctx, `${none}.${p}.`), { code: 'INVALID_TOKEN' });

  // Individually revocable: one token ends, its sibling lives on.
  const sibling = await mintAccessToken(ctx, key, '192.0.2.1');
  revokeAccessTokenById(ctx, cli, fresh.jti);
  await assert.rejects(verifyAccessToken(ctx, fresh.token), { code: 'INVALID_TOKEN' });
  await verifyAccessToken(ctx, sibling.token);
  // Revoking the key ends every token minted from it, and minting.
  revokeApiKeyByName(ctx, cli, 'firmware');
  await assert.rejects(verifyAccessToken(ctx, sibling.token), { code: 'INVALID_TOKEN' });
  await assert.rejects(mintAccessToken(ctx, key, 'x'), { code: 'INVALID_API_KEY' });

  // Only the hash is in the database; neither key nor JWTs appear, not even in the file bytes.
  const cells = everyCell(db);
  assert.ok(!cells.includes(key) && !cells.includes(sibling.token) && !cells.includes(key.slice(4)));
  assert.ok(cells.includes(hashToken(key).toString('latin1')));
  assert.ok(!readFileSync(file).includes(Buffer.from(key)));
});

test('app tokens: shown once, hash only, expiry, revocation immediate; a disabled creator ends them', async () => {
  const { clock, ctx, db } = await setup();
  const owner = await createUser(ctx, cli, { email: 'owner@example.com', role: 'owner', password });
  const admin = await createUser(ctx, cli, { email: 'admin@example.com', role: 'admin', password });
  const { token } = createApp(ctx, cli, { name: 'etl', scopes: ['readings:read'] });
  const principal = await authenticate(ctx, token);
  assert.equal(principal.kind, 'app');
  assert.ok(!everyCell(db).includes(token));

  revokeAppByName(ctx, cli, 'etl');
  await assert.rejects(authenticate(ctx, token), { code: 'UNAUTHENTICATED' });

  const expiring = createApp(ctx, cli, { name: 'temp', scopes: ['devices:read'], expiresAt: clock.now() + hour });
  await authenticate(ctx, expiring.token);
  clock.advance(hour);
  await assert.rejects(authenticate(ctx, expiring.token), { code: 'UNAUTHENTICATED' });

  const adminsApp = createApp(ctx, userCaller(ctx, admin.id), { name: 'mine', scopes: ['devices:read'] });
  await authenticate(ctx, adminsApp.token);
  await updateMember(ctx, userCaller(ctx, owner.id), admin.id, { disabled: true });
  await assert.rejects(authenticate(ctx, adminsApp.token), { code: 'UNAUTHENTICATED' });
});

test('sessions: 6 h idle expiry, absolute expiry, logout everywhere, disable and remove end them at once', async () => {
  const { clock, ctx, db } = await setup();
  const owner = await createUser(ctx, cli, { email: 'owner@example.com', role: 'owner', password });
  const user = await createUser(ctx, cli, { email: 'r@example.com', role: 'reader', password });
  const signIn = async () => (await login(ctx, { email: 'r@example.com', password }, '127.0.0.1')).token;

  const a = await signIn();
  assert.match(a, /^ops_/);
  assert.ok(!everyCell(db).includes(a) && !everyCell(db).includes(password));
  clock.advance(6 * hour - 1000);
  assert.equal((await authenticate(ctx, a)).kind, 'user');
  clock.advance(6 * hour + 1);
  await assert.rejects(authenticate(ctx, a), { code: 'UNAUTHENTICATED' }, 'idle for 6 h');

  ctx.setPolicy({ ...ctx.policy(), sessionAbsoluteHours: 8 });
  const b = await signIn();
  for (let i = 0; i < 3; i++) {
    clock.advance(2 * hour);
    await authenticate(ctx, b);
  }
  clock.advance(2 * hour);
  await assert.rejects(authenticate(ctx, b), { code: 'UNAUTHENTICATED' }, 'absolute expiry, however active');

  const c = await signIn();
  const d = await signIn();
  assert.ok(logoutEverywhere(ctx, user.id) >= 2);
  await assert.rejects(authenticate(ctx, c));
  await assert.rejects(authenticate(ctx, d));

  const ownerActor = userCaller(ctx, owner.id);
  const e = await signIn();
  await updateMember(ctx, ownerActor, user.id, { disabled: true });
  await assert.rejects(authenticate(ctx, e), { code: 'UNAUTHENTICATED' });
  await assert.rejects(signIn(), { code: 'BAD_CREDENTIALS' }, 'a disabled user cannot sign in');
  await updateMember(ctx, ownerActor, user.id, { disabled: false });
  const f = await signIn();
  removeMember(ctx, ownerActor, user.id);
  await assert.rejects(authenticate(ctx, f), { code: 'UNAUTHENTICATED' });
});

