import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiContract, type ApiMethod } from '../../src-shared/api/contract';
import { hubAdmin, roleGrants, roles, scopes, type Permission, type Role, type Scope } from '../../src-shared/permissions';
import { apiKeyScopes, createApiKey, mintAccessToken } from '../../src-main/access/api-keys';
import { createApp } from '../../src-main/access/apps';
import { createGroup } from '../../src-main/access/groups';
import { inviteUser } from '../../src-main/access/invitations';
import { createUser } from '../../src-main/access/users';
import { addDevice, addIngestToken } from '../../src-main/devices/lifecycle';
import { listDevices } from '../../src-main/devices/queries/devices';
import { addSite } from '../../src-main/sync/sites';
import { insertDashboard } from '../../src-main/dashboards/queries/dashboards';
import { insertRule } from '../../src-main/alarms/queries/rules';
import { raiseAlarm } from '../../src-main/alarms/queries/alarms';
import { insertChannel } from '../../src-main/alarms/queries/channels';
import { ruleSpecSchema } from '../../src-shared/alarm-rule';
import { httpsRequest } from '../helpers/https';
import { startTestHub } from '../helpers/hub';
import { cliCaller, rpc } from './helpers';

/**
 * The permission matrix over two organisations: every contract method x every
 * caller (each role, the other organisation's owner, apps and API-key tokens)
 * x a target in the caller's own organisation (a device in or out of the
 * caller's groups) or in the other organisation. Cross-organisation access is
 * always refused: 404 for objects (never "forbidden": that would say it
 * exists), 403 for hub-wide methods.
 */

const password = 'matrix passphrase 1234';

type Caller =
  | 'anonymous'
  | Role
  /** The second organisation's owner: an owner, but not of the hub. */
  | 'otherOwner'
  /** App tokens of the first organisation: all scopes; all scopes but the one the method needs; all scopes but only the group's device. */
  | 'app:all'
  | 'app:without'
  | 'app:restricted'
  /** Access tokens minted from API keys: the default scopes on every device, and on the group's device only. */
  | 'apiKey'
  | 'apiKey:restricted';

/** `in`/`out`: an object of the caller's own organisation (a device in or out of the caller's groups); `other`: one of the other organisation. */
type Target = 'in' | 'out' | 'other' | 'none';

interface OrgEnv {
  orgId: number;
  slug: string;
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
    jti(): Promise<string>;
    invitationId(): number;
    invitationCode(): { email: string; code: string };
    ingestTokenName(): string;
    siteId(): string;
    dashboardId(): number;
    ruleId(): number;
    alarmId(): number;
    channelId(): number;
  };
}

const aboveRule = (deviceId: number) => ({ scope: { kind: 'device' as const, deviceId }, subject: { kind: 'variable' as const, variable: 'temperature' }, op: '>' as const, levels: [{ severity: 'major' as const, value: 30 }] });

let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}`;

/**
 * One input per method, aimed at an organisation's objects. Typed against the
 * contract: a method added without a line here fails the typecheck, and the
 * coverage assertion below at run time. `objects: true` methods name an
 * object of the target organisation (the `other` column applies to them).
 */
const samples = {
  'hub.info': { input: () => ({}) },
  'hub.status': { input: () => ({}) },
  'hub.connection': { input: () => ({}) },
  'hub.counters': { input: () => ({}) },
  'hub.ca': { input: () => ({}) },
  'devices.problems': { input: (_e, d) => ({ deviceId: d }), objects: true },
  'traffic.refusals': { input: () => ({}) },
  'traffic.badTokens': { input: () => ({}) },
  'devices.health': { input: () => ({}) },
  'devices.setThresholds': { input: (_e, d) => ({ deviceId: d, thresholds: { staleAfterS: 120, offlineAfterS: 600 } }), objects: true },
  'auth.login': { input: () => ({ email: 'login@example.com', password }) },
  'auth.acceptInvite': { input: (e) => ({ ...e.fresh.invitationCode(), password }) },
  // Everyone gets OWNER_EXISTS (409): the hub has accounts, so no setup code works any more.
  'auth.setupOwner': { input: () => ({ code: 'ABCD-EFGH-JKLM-NPQR-STUV', email: 'setup@example.com', password }) },
  'auth.logout': { input: () => ({}) },
  'auth.logoutEverywhere': { input: () => ({}) },
  'auth.me': { input: () => ({}) },
  'auth.totpSetup': { input: () => ({ password }) },
  'auth.totpConfirm': { input: () => ({ code: '000000' }) },
  'auth.totpDisable': { input: () => ({ password, code: '000000' }) },
  'users.list': { input: () => ({}) },
  'users.invite': { input: () => ({ email: `${unique('invited')}@example.com`, role: 'reader' }) },
  'invitations.list': { input: () => ({}) },
  'invitations.revoke': { input: (e) => ({ id: e.fresh.invitationId() }), objects: true },
  'users.create': { input: () => ({ email: `${unique('u')}@example.com`, role: 'reader', password }) },
  'users.update': { input: (e) => ({ id: e.readerId, name: 'Reader' }), objects: true },
  'users.remove': { input: async (e) => ({ id: await e.fresh.userId() }), objects: true },
  'users.resetTotp': { input: (e) => ({ id: e.readerId }), objects: true },
  'users.setHubAdmin': { input: async (e) => ({ id: await e.fresh.userId(), hubAdmin: false }), objects: true },
  'roles.list': { input: () => ({}) },
  'groups.list': { input: () => ({}) },
  'groups.create': { input: () => ({ name: unique('g') }) },
  'groups.update': { input: (e) => ({ id: e.groupId, memberIds: [e.readerId, e.writerId] }), objects: true },
  'groups.remove': { input: (e) => ({ id: e.fresh.groupId() }), objects: true },
  'apps.list': { input: () => ({}) },
  'apps.create': { input: (e) => ({ name: unique('app'), scopes: ['devices:read'], deviceIds: [e.dIn] }) },
  'apps.revoke': { input: (e) => ({ name: e.fresh.appName() }), objects: true },
  'apiKeys.list': { input: () => ({}) },
  'apiKeys.create': { input: (e) => ({ name: unique('key'), deviceIds: [e.dIn] }) },
  'apiKeys.revoke': { input: (e) => ({ name: e.fresh.apiKeyName() }), objects: true },
  'accessTokens.revoke': { input: async (e) => ({ jti: await e.fresh.jti() }), objects: true },
  'audit.query': { input: () => ({ limit: 5 }) },
  'audit.export': { input: () => ({ format: 'jsonl' }) },
  'audit.verify': { input: () => ({}) },
  'accounting.query': { input: () => ({}) },
  'settings.get': { input: () => ({}) },
  'settings.update': { input: () => ({ sessionAbsoluteHours: 168 }) },
  'hubSettings.list': { input: () => ({}) },
  'hubSettings.set': { input: () => ({ name: 'token-in-url', value: 'off' }) },
  'mapTiles.get': { input: () => ({}) },
  'mapTiles.set': { input: () => ({ url: 'https://tiles.example.org/{z}/{x}/{y}.png', attribution: '© Example' }) },
  'orgs.list': { input: () => ({}) },
  'orgs.create': { input: () => ({ slug: unique('org'), name: 'Customer' }) },
  'devices.list': { input: () => ({}) },
  'devices.get': { input: (_e, d) => ({ deviceId: d }), objects: true },
  'devices.events': { input: (_e, d) => ({ deviceId: d, count: 5 }), objects: true },
  'readings.range': { input: (_e, d) => ({ deviceId: d, variable: 'temperature', from: 0, to: Date.now() }), objects: true },
  'commands.send': { input: (_e, d) => ({ deviceId: d, variable: 'relay', value: 1, waitMs: 0 }), objects: true },
  'commands.list': { input: (_e, d) => ({ deviceId: d, count: 5 }), objects: true },
  'devices.latest': { input: () => ({}) },
  'devices.create': { input: () => ({ label: unique('dev') }) },
  'devices.tokens': { input: (_e, d) => ({ deviceId: d }), objects: true },
  'devices.update': { input: (_e, d) => ({ deviceId: d, name: 'Renamed' }), objects: true },
  'devices.rotateToken': { input: (_e, d) => ({ deviceId: d }), objects: true },
  'devices.revokeTokens': { input: (_e, d) => ({ deviceId: d }), objects: true },
  'devices.remove': { input: async (e) => ({ deviceId: await freshDevice(e) }), objects: true },
  'ingestTokens.list': { input: () => ({}) },
  'ingestTokens.create': { input: () => ({ name: unique('tok'), deviceLabels: null }) },
  'ingestTokens.revoke': { input: (e) => ({ name: e.fresh.ingestTokenName() }), objects: true },
  'sync.status': { input: () => ({}) },
  'sync.configure': { input: () => ({ enabled: false }) },
  'alarms.sites': { input: () => ({}) },
  'sites.list': { input: () => ({}) },
  'sites.create': { input: () => ({ siteId: unique('site') }) },
  'sites.revoke': { input: (e) => ({ siteId: e.fresh.siteId() }), objects: true },
  'readings.series': { input: (_e, d) => ({ deviceId: d, variables: ['temperature'], from: 0, to: Date.now() }), objects: true },
  'readings.positions': { input: (_e, d) => ({ deviceId: d, variable: 'temperature', from: 0, to: Date.now() }), objects: true },
  'readings.export': { input: (_e, d) => ({ deviceId: d, variables: ['temperature'], from: 0, to: Date.now(), format: 'csv' }), objects: true },
  'variables.setUnit': { input: (_e, d) => ({ deviceId: d, variable: 'temperature', unit: '°C' }), objects: true },
  'dashboards.list': { input: () => ({}) },
  'dashboards.get': { input: (e) => ({ dashboardId: e.fresh.dashboardId() }), objects: true },
  'dashboards.create': { input: () => ({ name: unique('dash') }) },
  'dashboards.update': { input: (e) => ({ dashboardId: e.fresh.dashboardId(), revision: 1, name: unique('renamed') }), objects: true },
  'dashboards.delete': { input: (e) => ({ dashboardId: e.fresh.dashboardId() }), objects: true },
  'devices.activity': { input: (e) => ({ deviceIds: [e.dIn] }), objects: true },
  'hub.backup': { input: () => ({}) },
  'hub.backupSchedule': { input: () => ({}) },
  // Allowed to the hub owner by permission; the console's hub holds no master key to give (403 KEY_EXPORT_CLI_ONLY, not FORBIDDEN).
  'hub.exportKey': { input: () => ({ confirm: true }) },
  'retention.get': { input: () => ({}) },
  'retention.update': { input: () => ({ rawDays: 120 }) },
  // A fresh member, so no caller exports themself (which anyone may).
  'users.exportData': { input: async (e) => ({ id: await e.fresh.userId() }), objects: true },
  // A fresh member whose home is the organisation: its owner (or the hub owner) erases them.
  'users.erase': { input: async (e) => ({ id: await e.fresh.userId() }), objects: true },
  'alarmRules.list': { input: () => ({}) },
  'alarmRules.create': { input: (e) => ({ name: unique('rule'), spec: aboveRule(e.dIn) }), objects: true },
  'alarmRules.update': { input: (e) => ({ ruleId: e.fresh.ruleId(), enabled: true, name: unique('renamed') }), objects: true },
  'alarmRules.remove': { input: (e) => ({ ruleId: e.fresh.ruleId() }), objects: true },
  'alarms.list': { input: () => ({ state: 'active' }) },
  'alarms.summary': { input: () => ({}) },
  'alarms.ack': { input: (e) => ({ alarmId: e.fresh.alarmId(), comment: 'seen' }), objects: true },
  'alarms.clear': { input: (e) => ({ alarmId: e.fresh.alarmId() }), objects: true },
  'alarms.snooze': { input: (e) => ({ alarmId: e.fresh.alarmId(), until: Date.now() + 60_000 }), objects: true },
  'alarmChannels.list': { input: () => ({}) },
  'alarmChannels.create': { input: () => ({ name: unique('hook'), kind: 'webhook', url: 'https://hooks.example.com/outpost' }) },
  'alarmChannels.remove': { input: (e) => ({ channelId: e.fresh.channelId() }), objects: true },
  'alarmDeliveries.list': { input: () => ({ status: 'pending' }) },
} satisfies Record<ApiMethod, { input: (env: OrgEnv, deviceId: number) => unknown; objects?: true }>;

/** devices.remove deletes a device: each call gets a fresh one, in or out of the group like the column says. */
let freshDevice: (e: OrgEnv) => Promise<number>;

/** Methods that end the caller's own session: the caller signs in again afterwards. */
const endsSession = new Set<ApiMethod>(['auth.logout', 'auth.logoutEverywhere']);
/**
 * What the samples themselves need beyond the permission: handing out credentials or devices for "every device" needs every device,
 * and devices.remove acts on a device made for the call, which a credential limited to a fixed device list does not reach.
 */
const needsEveryDevice = new Set<ApiMethod>(['devices.create', 'ingestTokens.create', 'sites.create', 'devices.remove']);
/** Methods that end the reader's sessions (a reset second factor): the reader signs in again afterwards. */
const endsReaderSession = new Set<ApiMethod>(['users.resetTotp']);
/** Only an owner (or the hub owner) removes someone's second factor. */
const ownersOnly = new Set<ApiMethod>(['users.resetTotp', 'users.exportData', 'users.erase']);

const isRole = (c: Caller): c is Role => (roles as readonly string[]).includes(c);
const restricted = (c: Caller) => c === 'app:restricted' || c === 'apiKey:restricted' || c === 'writer' || c === 'reader';

function holds(method: ApiMethod, caller: Caller): boolean {
  const spec = apiContract[method] as { permission: Permission; callers?: string };
  if (spec.permission === 'public') return true;
  if (caller === 'anonymous') return false;
  const person = isRole(caller) || caller === 'otherOwner';
  if (spec.callers === 'users' && !person) return false;
  if (spec.permission === 'authenticated') return true;
  // hub:admin is the first owner's, granted explicitly: never a role's, an app's or an API key's.
  if (spec.permission === hubAdmin) return caller === 'owner';
  if (person) return roleGrants(caller === 'otherOwner' ? 'owner' : caller, spec.permission);
  if (caller === 'apiKey' || caller === 'apiKey:restricted') return (apiKeyScopes as readonly string[]).includes(spec.permission);
  return caller !== 'app:without';
}

/** The expected answer, from the contract and the permission model alone. */
function expected(method: ApiMethod, caller: Caller, target: Target): 'allow' | 'deny' {
  if (!holds(method, caller)) return 'deny';
  if (target === 'other') return 'deny';
  const spec = apiContract[method] as { devices?: string };
  if (spec.devices === 'one' && target === 'out' && restricted(caller)) return 'deny';
  if (needsEveryDevice.has(method) && restricted(caller)) return 'deny';
  if (ownersOnly.has(method) && caller !== 'owner' && caller !== 'otherOwner') return 'deny';
  return 'allow';
}

test('permission matrix over two organisations: every method x every role, app and API-key token x own object (in/out of groups) and another organisation’s, over HTTPS', async () => {
  assert.deepEqual(Object.keys(samples).sort(), Object.keys(apiContract).sort(), 'the matrix covers exactly the contract’s methods');

  const hub = await startTestHub();
  const ctx = hub.services.access;
  const base = { url: `https://127.0.0.1:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
  ctx.setPolicy({ ...ctx.policy(), rateLimit: { perAddress: { burst: 100_000, perSecond: 100_000 }, perToken: { burst: 100_000, perSecond: 100_000 } }, webhookHosts: ['hooks.example.com'] });

  // The second organisation exists before anyone owns the hub: its owner never becomes hub owner.
  const orgB = (await hub.registry.call('orgs.create', { slug: 'beta', name: 'Beta' }, { origin: 'cli', principal: { kind: 'cli', osUser: 'test', orgId: 1 } })) as { ok: true; value: { id: number } };
  assert.ok(orgB.ok);
  const envOf = async (orgId: number, slug: string, ownerEmail: string, memberPrefix: string): Promise<OrgEnv> => {
    const cli = cliCaller(orgId);
    const dIn = addDevice(hub.db, { orgId, label: `boiler-in-${slug}` }).device.id;
    const dOut = addDevice(hub.db, { orgId, label: `pump-out-${slug}` }).device.id;
    // A variable with a reading on each, so history methods answer with data rather than "no such variable".
    for (const d of [dIn, dOut]) {
      const v = Number(hub.db.prepare("INSERT INTO variables (device_id, label, created_at) VALUES (?, 'temperature', 0)").run(d).lastInsertRowid);
      hub.db.prepare('INSERT INTO readings (variable_id, ts, value, context, received_at) VALUES (?, ?, 21.5, NULL, ?)').run(v, Date.now() - 60_000, Date.now());
    }
    await createUser(ctx, cli, { email: ownerEmail, role: 'owner', password });
    const ids = {} as Record<Role, number>;
    for (const role of roles) if (role !== 'owner') ids[role] = (await createUser(ctx, cli, { email: `${memberPrefix}${role}@example.com`, role, password })).id;
    const group = createGroup(ctx, cli, { name: 'boilers', deviceIds: [dIn], memberIds: [ids.writer, ids.reader] });
    return {
      orgId,
      slug,
      dIn,
      dOut,
      readerId: ids.reader,
      writerId: ids.writer,
      groupId: group.id,
      fresh: {
        userId: async () => (await createUser(ctx, cli, { email: `${unique('gone')}@example.com`, role: 'reader' })).id,
        groupId: () => createGroup(ctx, cli, { name: unique('gone'), deviceIds: [], memberIds: [] }).id,
        appName: () => createApp(ctx, cli, { name: unique('gone'), scopes: ['devices:read'] }).app.name,
        apiKeyName: () => createApiKey(ctx, cli, { name: unique('gone') }).apiKey.name,
        jti: async () => (await mintAccessToken(ctx, createApiKey(ctx, cli, { name: unique('minted') }).key, '127.0.0.1')).jti,
        invitationId: () => inviteUser(ctx, cli, { email: `${unique('inv')}@example.com`, role: 'reader' }).invitation.id,
        invitationCode: () => {
          const email = `${unique('accept')}@example.com`;
          return { email, code: inviteUser(ctx, cli, { email, role: 'reader' }).code };
        },
        ingestTokenName: () => {
          const name = unique('tok');
          addIngestToken(hub.db, { orgId, name, deviceLabels: null, canCreateDevices: false });
          return name;
        },
        siteId: () => addSite(hub.db, unique('site'), orgId).site.siteId,
        dashboardId: () => insertDashboard(hub.db, { orgId, name: unique('dash'), spec: { range: { preset: '24h' }, widgets: [] }, createdBy: 'cli:test', now: Date.now() }),
        ruleId: () => insertRule(hub.db, { orgId, name: unique('rule'), enabled: true, spec: ruleSpecSchema.parse(aboveRule(dIn)), createdBy: 'cli:test', now: Date.now() }),
        // An active alarm on the group's device, under a rule of its own (one open alarm per rule and device).
        alarmId: () => {
          const ruleId = insertRule(hub.db, { orgId, name: unique('rule'), enabled: false, spec: ruleSpecSchema.parse(aboveRule(dIn)), createdBy: 'cli:test', now: Date.now() });
          return raiseAlarm(hub.db, { orgId, ruleId, ruleName: 'r', deviceId: dIn, variable: 'temperature', severity: 'major', at: Date.now(), value: 31 });
        },
        channelId: () => insertChannel(hub.db, { orgId, name: unique('hook'), config: { url: 'https://hooks.example.com/outpost' }, now: Date.now() }),
      },
    };
  };
  const a = await envOf(1, 'default', 'owner@example.com', '');
  const b = await envOf(orgB.value.id, 'beta', 'other-owner@example.com', 'b-');
  await createUser(ctx, cliCaller(1), { email: 'login@example.com', role: 'reader', password });
  let deviceOut = false;
  freshDevice = async (e) => {
    const id = addDevice(hub.db, { orgId: e.orgId, label: unique('spare') }).device.id;
    if (!deviceOut) ctx.db.prepare('INSERT INTO group_devices (group_id, device_id) VALUES (?, ?)').run(e.groupId, id);
    return id;
  };

  const sessions = new Map<Caller, string>();
  const signIn = async (caller: Role | 'otherOwner') => {
    const email = caller === 'otherOwner' ? 'other-owner@example.com' : caller === 'owner' ? 'owner@example.com' : `${caller}@example.com`;
    const answer = await rpc(base, 'auth.login', { email, password });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    sessions.set(caller, (answer.body.result as { token: string }).token);
  };
  for (const role of roles) await signIn(role);
  await signIn('otherOwner');
  const cliA = cliCaller(1);
  const allScopes = [...scopes];
  const appAll = createApp(ctx, cliA, { name: 'all', scopes: allScopes }).token;
  const appRestricted = createApp(ctx, cliA, { name: 'restricted', scopes: allScopes, deviceIds: [a.dIn] }).token;
  const appWithout = new Map<Scope, string>(scopes.map((s) => [s, createApp(ctx, cliA, { name: `without-${s}`, scopes: allScopes.filter((x) => x !== s) }).token]));
  const apiKey = (await mintAccessToken(ctx, createApiKey(ctx, cliA, { name: 'firmware' }).key, '127.0.0.1')).token;
  const apiKeyRestricted = (await mintAccessToken(ctx, createApiKey(ctx, cliA, { name: 'firmware-restricted', deviceIds: [a.dIn] }).key, '127.0.0.1')).token;
  const tokenOf = (caller: Caller, permission: Permission): string | undefined => {
    if (caller === 'anonymous') return undefined;
    if (caller === 'app:all') return appAll;
    if (caller === 'app:restricted') return appRestricted;
    if (caller === 'app:without') return appWithout.get((scopes as readonly string[]).includes(permission) ? (permission as Scope) : 'devices:read');
    if (caller === 'apiKey') return apiKey;
    if (caller === 'apiKey:restricted') return apiKeyRestricted;
    return sessions.get(caller);
  };

  const callers: Caller[] = ['anonymous', ...roles, 'otherOwner', 'app:all', 'app:without', 'app:restricted', 'apiKey', 'apiKey:restricted'];
  const failures: string[] = [];
  let checked = 0;
  for (const method of Object.keys(samples) as ApiMethod[]) {
    const spec = apiContract[method] as { permission: Permission; devices?: string };
    const sample = samples[method] as { input: (e: OrgEnv, d: number) => unknown; objects?: true };
    const targets: Target[] = sample.objects ? (spec.devices === 'one' ? ['in', 'out', 'other'] : ['in', 'other']) : ['none'];
    for (const caller of callers) {
      const own = caller === 'otherOwner' ? b : a;
      const other = caller === 'otherOwner' ? a : b;
      for (const target of targets) {
        deviceOut = target === 'out';
        const env = target === 'other' ? other : own;
        const input = await sample.input(env, target === 'out' ? env.dOut : env.dIn);
        const answer = await rpc(base, method, input, tokenOf(caller, spec.permission));
        const code = answer.body.code;
        const denied =
          (answer.status === 401 && code === 'UNAUTHENTICATED') || (answer.status === 403 && code === 'FORBIDDEN') || (answer.status === 404 && /(^|_)NOT_FOUND$/.test(code ?? ''));
        const want = expected(method, caller, target);
        checked += 1;
        const cell = `${method} as ${caller} (target ${target})`;
        if (answer.status >= 500) failures.push(`${cell}: ${answer.status} ${code} ${answer.body.message}`);
        else if (want === 'allow' && denied) failures.push(`${cell}: expected allow, got ${answer.status} ${code}: ${answer.body.message}`);
        else if (want === 'deny' && !denied) failures.push(`${cell}: expected deny, got ${answer.status} ${code ?? 'ok'}`);
        // Another organisation's object is "not found" to anyone allowed to call the method: its existence is not revealed.
        else if (target === 'other' && holds(method, caller) && answer.status !== 404) failures.push(`${cell}: another organisation’s object answered ${answer.status} ${code}, not 404`);
        if (endsSession.has(method) && !denied && (isRole(caller) || caller === 'otherOwner')) await signIn(caller);
        if (endsReaderSession.has(method) && !denied && env === a) await signIn('reader');
      }
    }
  }
  assert.deepEqual(failures, [], `${failures.length} of ${checked} cells differ:\n${failures.join('\n')}`);
  assert.ok(checked > 800, `checked ${checked} cells`);

  // What "see" means for lists: members get their groups' devices, admins all, restricted credentials theirs, never another organisation's.
  const listAs = async (token: string) => ((await rpc(base, 'devices.list', {}, token)).body.result as { id: number }[]).map((d) => d.id).sort((x, y) => x - y);
  // Members see exactly their group's devices (dIn and the spares made for devices.remove that were not removed).
  const groupDevices = (hub.db.prepare('SELECT device_id FROM group_devices WHERE group_id = ? ORDER BY device_id').pluck().all(a.groupId) as number[]).sort((x, y) => x - y);
  assert.ok(groupDevices.includes(a.dIn) && !groupDevices.includes(a.dOut));
  assert.deepEqual(await listAs(sessions.get('reader')!), groupDevices);
  assert.deepEqual(await listAs(sessions.get('writer')!), groupDevices);
  const everyA = listDevices(hub.db, 1).map((d) => d.id).sort((x, y) => x - y);
  assert.deepEqual(await listAs(sessions.get('admin')!), everyA);
  assert.deepEqual(await listAs(appRestricted), [a.dIn]);
  assert.deepEqual(await listAs(apiKeyRestricted), [a.dIn]);
  const everyB = listDevices(hub.db, b.orgId).map((d) => d.id).sort((x, y) => x - y);
  assert.deepEqual(await listAs(sessions.get('otherOwner')!), everyB);
  assert.ok(!everyB.some((id) => everyA.includes(id)));

  // Lists of people, apps and the audit log stay inside the organisation; the hub owner reads every organisation's audit rows.
  const emails = (token: string) => rpc(base, 'users.list', {}, token).then((r) => (r.body.result as { email: string }[]).map((u) => u.email));
  assert.ok(!(await emails(sessions.get('otherOwner')!)).includes('owner@example.com'));
  assert.ok(!(await emails(sessions.get('owner')!)).includes('other-owner@example.com'));
  const auditOrgs = async (token: string) => new Set(((await rpc(base, 'audit.query', { limit: 1000 }, token)).body.result as { orgId: number | null }[]).map((r) => r.orgId));
  assert.deepEqual([...(await auditOrgs(sessions.get('otherOwner')!))], [b.orgId], 'an organisation reads only its own audit rows');
  assert.deepEqual([...(await auditOrgs(sessions.get('admin')!))], [1]);
  const hubView = await auditOrgs(sessions.get('owner')!);
  assert.ok(hubView.has(1) && hubView.has(b.orgId) && hubView.has(null), 'the hub owner reads all of them');
  const exportB = (await rpc(base, 'audit.export', { format: 'jsonl' }, sessions.get('otherOwner')!)).body.result as { content: string };
  for (const line of exportB.content.trim().split('\n')) assert.equal((JSON.parse(line) as { org: number }).org, b.orgId);
  const verifyB = (await rpc(base, 'audit.verify', {}, sessions.get('otherOwner')!)).body.result as { ok: boolean; rows: number };
  assert.ok(verifyB.ok && verifyB.rows > 0, 'the chain verifies for each organisation');
  assert.equal(((await rpc(base, 'audit.verify', {}, sessions.get('owner')!)).body.result as { ok: boolean }).ok, true, 'and as a whole');

  // The REST form of devices.events is authorized like the RPC.
  const events = (id: number, token: string) => httpsRequest(`${base.url}/api/devices/${id}/events?count=3`, { ca: base.ca, headers: { authorization: `Bearer ${token}` } });
  assert.equal((await events(a.dIn, sessions.get('reader')!)).status, 200);
  assert.equal((await events(a.dOut, sessions.get('reader')!)).status, 404);
  assert.equal((await events(a.dOut, sessions.get('owner')!)).status, 200);
  assert.equal((await events(b.dIn, sessions.get('owner')!)).status, 404, 'another organisation’s device, even for the hub owner’s session');
  assert.equal((await httpsRequest(`${base.url}/api/devices/${a.dIn}/events`, { ca: base.ca })).status, 401);
});
