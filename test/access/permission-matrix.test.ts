import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { apiContract, type ApiMethod } from '../../src-shared/api/contract';
import { roleGrants, roles, scopes, type Permission, type Role, type Scope } from '../../src-shared/permissions';
import { createApiKey } from '../../src-main/access/api-keys';
import { createApp } from '../../src-main/access/apps';
import { createGroup } from '../../src-main/access/groups';
import { addUser } from '../../src-main/access/users';
import { addDevice, listDevices } from '../../src-main/devices/lifecycle';
import { httpsRequest } from '../helpers/https';
import { startTestHub } from '../helpers/hub';
import { rpc } from './helpers';

const password = 'matrix passphrase 1234';
const cli = { subject: 'cli', address: 'cli', role: null, userId: null } as const;

type Caller = 'anonymous' | Role | 'app:granted' | 'app:other';
type DeviceCase = 'in' | 'out' | 'none';

interface Env {
  dIn: number;
  dOut: number;
  readerId: number;
  writerId: number;
  groupId: number;
  fresh: {
    userId(): Promise<number>;
    groupId(): number;
    appName(): string;
    apiKeyName(): string;
  };
  unique(prefix: string): string;
}

/**
 * One valid input per method. Typed against the contract, so a method added to
 * the contract without a line here fails the typecheck, and the test below
 * fails at run time too.
 */
const samples = {
  'hub.status': () => ({}),
  'auth.login': () => ({ email: 'login@example.com', password }),
  'auth.logout': () => ({}),
  'auth.logoutEverywhere': () => ({}),
  'auth.me': () => ({}),
  'auth.totpSetup': () => ({}),
  'auth.totpConfirm': () => ({ code: '000000' }),
  'users.list': () => ({}),
  'users.create': (e) => ({ email: `${e.unique('u')}@example.com`, role: 'reader', password }),
  'users.update': (e) => ({ id: e.readerId, name: 'Reader' }),
  'users.remove': async (e) => ({ id: await e.fresh.userId() }),
  'roles.list': () => ({}),
  'groups.list': () => ({}),
  'groups.create': (e) => ({ name: e.unique('g') }),
  'groups.update': (e) => ({ id: e.groupId, memberIds: [e.readerId, e.writerId] }),
  'groups.remove': (e) => ({ id: e.fresh.groupId() }),
  'apps.list': () => ({}),
  'apps.create': (e) => ({ name: e.unique('app'), scopes: ['devices:read'], deviceIds: [e.dIn] }),
  'apps.revoke': (e) => ({ name: e.fresh.appName() }),
  'apiKeys.list': () => ({}),
  'apiKeys.create': (e) => ({ name: e.unique('key') }),
  'apiKeys.revoke': (e) => ({ name: e.fresh.apiKeyName() }),
  'accessTokens.revoke': () => ({ jti: randomUUID() }),
  'audit.query': () => ({ limit: 5 }),
  'audit.export': () => ({ format: 'jsonl' }),
  'audit.verify': () => ({}),
  'accounting.query': () => ({}),
  'settings.get': () => ({}),
  'settings.update': () => ({}),
  'orgs.list': () => ({}),
  'orgs.create': (e) => ({ slug: e.unique('org'), name: 'Customer' }),
  'devices.list': () => ({}),
  'devices.get': (_e, d) => ({ deviceId: d }),
  'devices.events': (_e, d) => ({ deviceId: d, count: 5 }),
  'readings.range': (_e, d) => ({ deviceId: d, variable: 'temperature', from: 0, to: Date.now() }),
  'commands.send': (_e, d) => ({ deviceId: d, variable: 'relay', value: 1 }),
  'devices.latest': () => ({}),
  'devices.create': (e) => ({ label: e.unique('dev') }),
  'devices.rotateToken': (_e, d) => ({ deviceId: d }),
  'devices.revokeTokens': (_e, d) => ({ deviceId: d }),
  'sync.status': () => ({}),
  'sync.configure': () => ({ enabled: false }),
  'readings.series': (_e, d) => ({ deviceId: d, variables: ['temperature'], from: 0, to: Date.now() }),
  'readings.positions': (_e, d) => ({ deviceId: d, variable: 'position', from: 0, to: Date.now() }),
  'readings.export': (_e, d) => ({ deviceId: d, variables: ['temperature'], from: 0, to: Date.now(), format: 'csv' }),
  'dashboards.list': () => ({}),
  'dashboards.get': () => ({ dashboardId: 1 }),
  'dashboards.create': (e) => ({ name: e.unique('dash') }),
  'dashboards.update': () => ({ dashboardId: 1, revision: 1, name: 'Renamed' }),
  'dashboards.delete': () => ({ dashboardId: 2 }),
  'devices.activity': (e) => ({ deviceIds: [e.dIn] }),
  'variables.setUnit': (_e, d) => ({ deviceId: d, variable: 'temperature', unit: '°C' }),
} satisfies Record<ApiMethod, (env: Env, deviceId: number) => unknown>;

/** Methods that end the caller's own session: the caller signs in again afterwards. */
const endsSession = new Set<ApiMethod>(['auth.logout', 'auth.logoutEverywhere']);

function appScopeFor(permission: Permission): { granted: Scope; other: Scope } {
  const granted = (scopes as readonly string[]).includes(permission) ? (permission as Scope) : 'devices:read';
  return { granted, other: granted === 'orgs:admin' ? 'devices:read' : 'orgs:admin' };
}

/** The expected answer, from the contract and the permission model alone. */
function expected(method: ApiMethod, caller: Caller, device: DeviceCase): boolean {
  const spec = apiContract[method] as { permission: Permission; devices?: string; callers?: string };
  if (spec.permission === 'public') return true;
  if (caller === 'anonymous') return false;
  const isApp = caller === 'app:granted' || caller === 'app:other';
  if (isApp && spec.callers === 'users') return false;
  const granted = isApp ? caller === 'app:granted' || spec.permission === 'authenticated' : roleGrants(caller, spec.permission);
  if (!granted) return false;
  // Owners and admins see every device of the organisation; the others (and the restricted apps) only the group's.
  if (spec.devices === 'one') return device === 'in' || caller === 'owner' || caller === 'admin';
  return true;
}

test('permission matrix: every contract method x every role x device in/out of the caller’s groups x app scopes, over HTTPS', async () => {
  assert.deepEqual(Object.keys(samples).sort(), Object.keys(apiContract).sort(), 'the matrix covers exactly the contract’s methods');

  const hub = await startTestHub();
  const aaa = hub.services.aaa!.ctx;
  const base = { url: `https://127.0.0.1:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
  aaa.setPolicy({
    ...aaa.policy(),
    rateLimit: { perAddress: { burst: 100_000, perSecond: 100_000 }, perToken: { burst: 100_000, perSecond: 100_000 } },
  });

  const dIn = addDevice(hub.db, { label: 'boiler-in-group' }).device.id;
  const dOut = addDevice(hub.db, { label: 'pump-outside' }).device.id;
  const ids = {} as Record<Role, number>;
  for (const role of roles) ids[role] = (await addUser(aaa, cli, { email: `${role}@example.com`, role, orgId: 1, password })).id;
  await addUser(aaa, cli, { email: 'login@example.com', role: 'reader', orgId: 1, password });
  const group = createGroup(aaa, cli, 1, { name: 'boilers', deviceIds: [dIn], memberIds: [ids.writer, ids.reader] });

  let n = 0;
  const unique = (prefix: string) => `${prefix}-${++n}`;
  const env: Env = {
    dIn,
    dOut,
    readerId: ids.reader,
    writerId: ids.writer,
    groupId: group.id,
    unique,
    fresh: {
      userId: async () => (await addUser(aaa, cli, { email: `${unique('gone')}@example.com`, role: 'reader', orgId: 1 })).id,
      groupId: () => createGroup(aaa, cli, 1, { name: unique('gone'), deviceIds: [], memberIds: [] }).id,
      appName: () => createApp(aaa, cli, 1, { name: unique('gone'), scopes: ['devices:read'] }).app.name,
      apiKeyName: () => createApiKey(aaa, cli, 1, unique('gone')).apiKey.name,
    },
  };

  const sessions = new Map<Role, string>();
  const signIn = async (role: Role) => {
    const answer = await rpc(base, 'auth.login', { email: `${role}@example.com`, password });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    sessions.set(role, (answer.body.result as { token: string }).token);
  };
  for (const role of roles) await signIn(role);
  // One app per scope, limited to the group's device: the "device out" column refuses apps too.
  const appTokens = new Map<Scope, string>();
  for (const scope of scopes) appTokens.set(scope, createApp(aaa, cli, 1, { name: `scope-${scope}`, scopes: [scope], deviceIds: [dIn] }).token);

  const callers: Caller[] = ['anonymous', ...roles, 'app:granted', 'app:other'];
  const failures: string[] = [];
  let checked = 0;
  for (const method of Object.keys(samples) as ApiMethod[]) {
    const spec = apiContract[method] as { permission: Permission; devices?: string };
    const deviceCases: DeviceCase[] = spec.devices === 'one' ? ['in', 'out'] : ['none'];
    const appScopes = appScopeFor(spec.permission);
    for (const caller of callers) {
      for (const device of deviceCases) {
        const token =
          caller === 'anonymous' ? undefined : caller === 'app:granted' ? appTokens.get(appScopes.granted) : caller === 'app:other' ? appTokens.get(appScopes.other) : sessions.get(caller);
        const input = await (samples[method] as (e: Env, d: number) => unknown)(env, device === 'out' ? dOut : dIn);
        const answer = await rpc(base, method, input, token);
        const denied =
          (answer.status === 401 && answer.body.code === 'UNAUTHENTICATED') ||
          (answer.status === 403 && answer.body.code === 'FORBIDDEN') ||
          (answer.status === 404 && answer.body.code === 'DEVICE_NOT_FOUND');
        const want = expected(method, caller, device);
        checked += 1;
        if (answer.status >= 500 && answer.body.code === 'INTERNAL') failures.push(`${method} as ${caller} (${device}): internal error ${answer.body.message}`);
        else if (denied === want) failures.push(`${method} as ${caller} (device ${device}): expected ${want ? 'allow' : 'deny'}, got ${answer.status} ${answer.body.code ?? 'ok'}`);
        if (endsSession.has(method) && !denied && caller !== 'anonymous' && !caller.startsWith('app')) await signIn(caller as Role);
      }
    }
  }
  assert.deepEqual(failures, [], `${failures.length} of ${checked} cells differ`);
  assert.ok(checked > 250, `checked ${checked} cells`);

  // What "see" means for lists: members get their groups' devices, admins all, restricted apps theirs.
  const listAs = async (token: string) => ((await rpc(base, 'devices.list', {}, token)).body.result as { id: number }[]).map((d) => d.id).sort();
  assert.deepEqual(await listAs(sessions.get('reader')!), [dIn]);
  assert.deepEqual(await listAs(sessions.get('writer')!), [dIn]);
  // Admins see every device of the organisation, including those devices.create added above.
  const everyDevice = listDevices(hub.db, 1).map((d) => d.id).sort();
  assert.ok(everyDevice.includes(dIn) && everyDevice.includes(dOut));
  assert.deepEqual(await listAs(sessions.get('admin')!), everyDevice);
  assert.deepEqual(await listAs(appTokens.get('devices:read')!), [dIn]);

  // The REST form of devices.events is authorized like the RPC.
  const events = (id: number, token: string) => httpsRequest(`${base.url}/api/devices/${id}/events?count=3`, { ca: base.ca, headers: { authorization: `Bearer ${token}` } });
  assert.equal((await events(dIn, sessions.get('reader')!)).status, 200);
  assert.equal((await events(dOut, sessions.get('reader')!)).status, 404);
  assert.equal((await events(dOut, sessions.get('owner')!)).status, 200);
  assert.equal((await httpsRequest(`${base.url}/api/devices/${dIn}/events`, { ca: base.ca })).status, 401);
});
