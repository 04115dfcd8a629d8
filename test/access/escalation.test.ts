import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mintAccessToken } from '../../src-main/access/api-keys';
import type { AccessContext } from '../../src-main/access/context';
import { createUser } from '../../src-main/access/users';
import { addDevice } from '../../src-main/devices/lifecycle';
import { startTestHub } from '../helpers/hub';
import { cliCaller, rpc, type Rpc } from './helpers';

const password = 'escalation passphrase 123';

async function setup() {
  const hub = await startTestHub();
  const ctx = hub.services.access;
  const base = { url: `https://127.0.0.1:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
  const cli = cliCaller(1);
  await createUser(ctx, cli, { email: 'owner@example.com', role: 'owner', password });
  const admin = await createUser(ctx, cli, { email: 'admin@example.com', role: 'admin', password });
  const d1 = addDevice(hub.db, { label: 'boiler-1' }).device.id;
  const d2 = addDevice(hub.db, { label: 'boiler-2' }).device.id;
  const login = async (email: string, org?: string) => {
    const answer = await rpc(base, 'auth.login', { email, password, ...(org ? { org } : {}) });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return (answer.body.result as { token: string }).token;
  };
  const call = (token: string | undefined, method: string, input: unknown) => rpc(base, method, input, token);
  const ok = (answer: Rpc) => {
    assert.ok(answer.status < 300, `${answer.status} ${answer.body.code}: ${answer.body.message}`);
    return answer.body.result as Record<string, unknown>;
  };
  const refused = (answer: Rpc, status = 403) => assert.equal(answer.status, status, `expected ${status}, got ${answer.status} ${answer.body.code}`);
  return { hub, ctx, base, cli, admin, d1, d2, login, call, ok, refused, owner: await login('owner@example.com') };
}

test('an app with only apps:admin cannot mint apps with more (users:admin, settings:admin) or beyond its devices', async () => {
  const { ctx, call, ok, refused, owner, d1, d2 } = await setup();
  const minter = ok(await call(owner, 'apps.create', { name: 'minter', scopes: ['apps:admin'] })).token as string;
  refused(await call(minter, 'apps.create', { name: 'users', scopes: ['users:admin'] }));
  refused(await call(minter, 'apps.create', { name: 'settings', scopes: ['settings:admin'] }));
  refused(await call(minter, 'apps.create', { name: 'reader', scopes: ['devices:read'] }), 403);
  refused(await call(minter, 'apiKeys.create', { name: 'key' }), 403);
  ok(await call(minter, 'apps.create', { name: 'same', scopes: ['apps:admin'] }));

  const narrow = ok(await call(owner, 'apps.create', { name: 'narrow', scopes: ['apps:admin', 'devices:read', 'readings:read', 'readings:write', 'commands:send'], deviceIds: [d1] })).token as string;
  refused(await call(narrow, 'apps.create', { name: 'wider', scopes: ['devices:read'] }), 403);
  refused(await call(narrow, 'apps.create', { name: 'other', scopes: ['devices:read'], deviceIds: [d2] }), 403);
  // A device-restricted app cannot make an API key reaching every device; one for its own device works, and reaches only it.
  refused(await call(narrow, 'apiKeys.create', { name: 'everything' }), 403);
  const key = ok(await call(narrow, 'apiKeys.create', { name: 'mine', deviceIds: [d1] })).key as string;
  const minted = await accessTokenFor(ctx, key);
  const seen = ok(await call(minted, 'devices.list', {})) as unknown as { id: number }[];
  assert.deepEqual(seen.map((d) => d.id), [d1]);
});

/** Trades an API key for an access token, as POST /api/v1.6/auth/token does (the HTTPS route is covered in test/http). */
async function accessTokenFor(ctx: AccessContext, key: string): Promise<string> {
  return (await mintAccessToken(ctx, key, '127.0.0.1')).token;
}

test('a users:admin app cannot create an admin and sign in as it: inviting above its own rights is refused, direct creation is the hub owner’s', async () => {
  const { base, call, ok, refused, owner } = await setup();
  const app = ok(await call(owner, 'apps.create', { name: 'hr', scopes: ['users:admin'] })).token as string;
  refused(await call(app, 'users.create', { email: 'mole@example.com', role: 'admin', password }));
  refused(await call(app, 'users.invite', { email: 'mole@example.com', role: 'admin' }));
  refused(await call(app, 'users.invite', { email: 'mole@example.com', role: 'reader' }), 403);
  // With a reader's permissions too it may invite readers, never more.
  const hr = ok(await call(owner, 'apps.create', { name: 'hr2', scopes: ['users:admin', 'devices:read', 'readings:read'] })).token as string;
  ok(await call(hr, 'users.invite', { email: 'reader@example.com', role: 'reader' }));
  refused(await call(hr, 'users.invite', { email: 'writer@example.com', role: 'writer' }));
  // An admin cannot make owners, nor touch one.
  const admin = ((await rpc(base, 'auth.login', { email: 'admin@example.com', password })).body.result as { token: string }).token;
  refused(await call(admin, 'users.invite', { email: 'boss@example.com', role: 'owner' }));
  refused(await call(admin, 'users.update', { id: 1, disabled: true }));
});

test('revoking a parent app cuts its child at once; demoting or removing a creator cuts what they made at once', async () => {
  const { ctx, call, ok, refused, owner, admin, login, d1 } = await setup();
  const parent = ok(await call(owner, 'apps.create', { name: 'parent', scopes: ['apps:admin', 'devices:read'] })).token as string;
  const child = ok(await call(parent, 'apps.create', { name: 'child', scopes: ['devices:read'] })).token as string;
  ok(await call(child, 'devices.list', {}));
  ok(await call(owner, 'apps.revoke', { name: 'parent' }));
  refused(await call(child, 'devices.list', {}), 401);

  // An admin's app holds what the admin holds now.
  const adminToken = await login('admin@example.com');
  const made = ok(await call(adminToken, 'apps.create', { name: 'ops', scopes: ['users:admin', 'devices:read', 'readings:read'] })).token as string;
  const key = ok(await call(adminToken, 'apiKeys.create', { name: 'ops-key' })).key as string;
  const access = await accessTokenFor(ctx, key);
  ok(await call(made, 'users.list', {}));
  ok(await call(access, 'devices.list', {}));
  ok(await call(owner, 'users.update', { id: admin.id, role: 'reader' }));
  refused(await call(made, 'users.list', {}), 403);
  // A reader sees only their groups' devices: none yet, so the app and the key see none either.
  assert.deepEqual(ok(await call(made, 'devices.list', {})), []);
  assert.deepEqual(ok(await call(access, 'devices.list', {})), []);
  ok(await call(owner, 'groups.create', { name: 'g', deviceIds: [d1], memberIds: [admin.id] }));
  assert.deepEqual((ok(await call(made, 'devices.list', {})) as unknown as { id: number }[]).map((d) => d.id), [d1], 'the cut follows the creator’s current rights');
  refused(await call(access, 'commands.send', { deviceId: d1, variable: 'x', value: 1 }), 403);

  // Removed: everything they made stops working on the next request.
  ok(await call(owner, 'users.remove', { id: admin.id }));
  refused(await call(made, 'devices.list', {}), 401);
  refused(await call(access, 'devices.list', {}), 401);
});

test('adding someone who has an account in another organisation: an invitation that reveals nothing and gives no power over the account', async () => {
  const { ctx, base, call, ok, refused, owner } = await setup();
  // A second organisation, with its own admin.
  const org = ok(await call(owner, 'orgs.create', { slug: 'beta', name: 'Beta' })) as { id: number };
  await createUser(ctx, cliCaller(org.id), { email: 'beta-admin@example.com', role: 'admin', password });
  await createUser(ctx, cliCaller(1), { email: 'shared@example.com', role: 'writer', password });
  const betaAdmin = ((await rpc(base, 'auth.login', { email: 'beta-admin@example.com', password })).body.result as { token: string }).token;

  // The same answer shape for an existing account and an unknown email: only what the admin typed.
  const existing = ok(await call(betaAdmin, 'users.invite', { email: 'shared@example.com', role: 'reader' })) as { invitation: Record<string, unknown>; code: string };
  const unknown = ok(await call(betaAdmin, 'users.invite', { email: 'nobody@example.com', role: 'reader' })) as { invitation: Record<string, unknown>; code: string };
  assert.deepEqual(Object.keys(existing.invitation).sort(), Object.keys(unknown.invitation).sort());
  assert.ok(!JSON.stringify(existing).includes('Shared'), 'nothing about the person');
  assert.ok(!(ok(await call(betaAdmin, 'users.list', {})) as unknown as { email: string }[]).some((u) => u.email === 'shared@example.com'), 'not a member until they accept');
  // The old defect: users.create attached the account. Now it is the hub owner's alone.
  refused(await call(betaAdmin, 'users.create', { email: 'shared@example.com', role: 'reader', password: 'attacker chosen passphrase' }));

  // Accepting needs the account's own password.
  refused(await call(undefined, 'auth.acceptInvite', { code: existing.code, email: 'shared@example.com', password: 'attacker chosen passphrase' }), 401);
  ok(await call(undefined, 'auth.acceptInvite', { code: existing.code, email: 'shared@example.com', password }));
  assert.equal((await call(undefined, 'auth.acceptInvite', { code: existing.code, email: 'shared@example.com', password })).body.code, 'INVALID_INVITATION', 'a code works once');
  const shared = (ok(await call(betaAdmin, 'users.list', {})) as unknown as { id: number; email: string; home: boolean }[]).find((u) => u.email === 'shared@example.com')!;
  assert.equal(shared.home, false);

  // The second organisation may change the membership, not the person.
  assert.equal((await call(betaAdmin, 'users.update', { id: shared.id, password: 'attacker chosen passphrase' })).body.code, 'SHARED_USER');
  assert.equal((await call(betaAdmin, 'users.update', { id: shared.id, disabled: true })).body.code, 'SHARED_USER');
  ok(await call(betaAdmin, 'users.update', { id: shared.id, role: 'writer' }));
  // The home organisation keeps its power: it can disable the account.
  ok(await call(owner, 'users.update', { id: shared.id, disabled: true }));
  assert.equal((await rpc(base, 'auth.login', { email: 'shared@example.com', password, org: 'beta' })).status, 401);
});

test('hub-wide settings belong to the hub owner: another organisation’s owner and admins cannot change the security policy, the sync upstream or hub settings', async () => {
  const { ctx, base, call, ok, refused, owner } = await setup();
  const org = ok(await call(owner, 'orgs.create', { slug: 'gamma', name: 'Gamma' })) as { id: number };
  await createUser(ctx, cliCaller(org.id), { email: 'gamma-owner@example.com', role: 'owner', password });
  const gammaOwner = ((await rpc(base, 'auth.login', { email: 'gamma-owner@example.com', password })).body.result as { token: string }).token;
  const adminToken = ((await rpc(base, 'auth.login', { email: 'admin@example.com', password })).body.result as { token: string }).token;
  for (const token of [gammaOwner, adminToken]) {
    refused(await call(token, 'sync.configure', { url: 'mqtts://attacker.example:8883', enabled: true }));
    refused(await call(token, 'settings.update', { sessionAbsoluteHours: 2000 }));
    refused(await call(token, 'hubSettings.set', { name: 'token-in-url', value: 'on' }));
    refused(await call(token, 'orgs.list', {}));
  }
  // A partial update changes only what it names.
  const before = ok(await call(owner, 'settings.get', {})) as { lockout: unknown; rateLimit: unknown };
  ok(await call(owner, 'settings.update', { lockout: { threshold: 7, baseMs: 60_000, maxMs: 600_000 } }));
  const after = ok(await call(owner, 'settings.update', { sessionAbsoluteHours: 12 })) as { lockout: { threshold: number }; rateLimit: unknown; sessionAbsoluteHours: number };
  assert.equal(after.sessionAbsoluteHours, 12);
  assert.equal(after.lockout.threshold, 7, 'the earlier change stays');
  assert.deepEqual(after.rateLimit, before.rateLimit);
  // hub:admin is granted explicitly: an owner of the first organisation added later does not hold it until then.
  const later = await createUser(ctx, cliCaller(1), { email: 'later-owner@example.com', role: 'owner', password });
  const laterToken = ((await rpc(base, 'auth.login', { email: 'later-owner@example.com', password })).body.result as { token: string }).token;
  refused(await call(laterToken, 'settings.get', {}));
  ok(await call(owner, 'users.setHubAdmin', { id: later.id, hubAdmin: true }));
  ok(await call(laterToken, 'settings.get', {}));
  // Before sign-in only the CA fingerprint is public.
  const info = ok(await call(undefined, 'hub.info', {}));
  assert.deepEqual(Object.keys(info), ['caFingerprint']);
  refused(await call(undefined, 'hub.status', {}), 401);
});
