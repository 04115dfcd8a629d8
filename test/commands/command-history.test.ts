import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import WebSocket from 'ws';
import type { LiveServerMessage } from '../../src-shared/api/live';
import { createGroup } from '../../src-main/access/groups';
import { createUser } from '../../src-main/access/users';
import { addDevice } from '../../src-main/devices/lifecycle';
import { writeSettingText } from '../../src-main/settings/hub-settings';
import { cliCaller, rpc } from '../access/helpers';
import { startTestHub } from '../helpers/hub';
import { httpsRequest } from '../helpers/https';
import { eventually } from '../mqtt/helpers/hub';

const password = 'command history passphrase';

interface Row {
  id: string;
  kind: string;
  status: string;
  variable: string | null;
  value: number | null;
  method: string | null;
  requestedBy: string;
  createdAt: number;
  deliveredAt: number | null;
  answeredAt: number | null;
  response: unknown;
}

test('commands.list: a device’s history with live states over HTTPS-only delivery (Ubidots /lv, ThingsBoard RPC), expiry, live events, two organisations', async () => {
  const hub = await startTestHub({ ports: { console: 0, https: 0, mqtts: null } });
  const ctx = hub.services.access;
  const base = { url: `https://127.0.0.1:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
  const ingest = `https://localhost:${hub.listeners.https!.port}`;
  const orgB = (await hub.registry.call('orgs.create', { slug: 'beta', name: 'Beta' }, { origin: 'cli', principal: { kind: 'cli', osUser: 'test', orgId: 1 } })) as { ok: true; value: { id: number } };
  assert.ok(orgB.ok);
  await createUser(ctx, cliCaller(1), { email: 'owner@example.com', role: 'owner', password });
  const readerId = (await createUser(ctx, cliCaller(1), { email: 'reader@example.com', role: 'reader', password })).id;
  await createUser(ctx, cliCaller(orgB.value.id), { email: 'owner-b@example.com', role: 'owner', password });
  const login = async (email: string) => ((await rpc(base, 'auth.login', { email, password })).body.result as { token: string }).token;
  const owner = await login('owner@example.com');
  const reader = await login('reader@example.com');
  const ownerB = await login('owner-b@example.com');
  const valve = addDevice(hub.db, { orgId: 1, label: 'valve-1' });
  const tb = addDevice(hub.db, { orgId: 1, label: 'tb-1' });
  // The reader's group holds tb-1 only.
  createGroup(ctx, cliCaller(1), { name: 'tb', deviceIds: [tb.device.id], memberIds: [readerId] });
  const list = async (deviceId: number, token = owner) => (await rpc(base, 'commands.list', { deviceId }, token)).body.result as Row[];

  // The live channel tells the console when a command of a visible device changes; never another organisation's.
  const live = async (token: string) => {
    const ws = new WebSocket(`wss://localhost:${hub.listeners.console!.port}/api/live`, { ca: hub.tls.caCertPem });
    const messages: LiveServerMessage[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d)) as LiveServerMessage));
    await once(ws, 'open');
    ws.send(JSON.stringify({ type: 'auth', token }));
    await eventually(async () => messages.find((m) => m.type === 'ready'), 15_000, 'ready');
    return { ws, messages };
  };
  const { ws, messages } = await live(owner);
  const other = await live(ownerB);
  const commandEvents = () => messages.filter((m) => m.type === 'commands').length;

  // A control value to a device that only uses HTTPS: pending until it reads that variable's last value.
  const sent = (await rpc(base, 'commands.send', { deviceId: valve.device.id, variable: 'setpoint', value: 42, waitMs: 0 }, owner)).body.result as { id: string; status: string };
  assert.equal(sent.status, 'pending');
  await eventually(async () => (messages.some((m) => m.type === 'commands' && m.deviceIds.includes(valve.device.id)) ? true : undefined), 15_000, 'a commands event for the send');
  let [row] = await list(valve.device.id);
  assert.equal(row!.id, sent.id);
  assert.equal(row!.status, 'pending');
  assert.equal(row!.variable, 'setpoint');
  assert.equal(row!.value, 42);
  assert.equal(row!.requestedBy, 'user:1');
  assert.equal(row!.deliveredAt, null);
  const before = commandEvents();
  const lv = await httpsRequest(`${ingest}/api/v1.6/devices/valve-1/setpoint/lv`, { ca: hub.tls.caCertPem, headers: { 'X-Auth-Token': valve.token } });
  assert.equal(lv.status, 200, lv.body);
  assert.equal(lv.body, '42', 'the device reads the commanded value');
  [row] = await list(valve.device.id);
  assert.equal(row!.status, 'delivered');
  assert.ok(row!.deliveredAt! >= row!.createdAt);
  await eventually(async () => (commandEvents() > before ? true : undefined), 15_000, 'a commands event for the delivery');
  // Another variable's value stays pending: only the variable the device reads is delivered.
  await rpc(base, 'commands.send', { deviceId: valve.device.id, variable: 'mode', value: 2, waitMs: 0 }, owner);
  await httpsRequest(`${ingest}/api/v1.6/devices/valve-1/setpoint/lv`, { ca: hub.tls.caCertPem, headers: { 'X-Auth-Token': valve.token } });
  assert.equal((await list(valve.device.id))[0]!.status, 'pending');

  // An RPC to a ThingsBoard device over HTTPS (token in URL must be on, as for all ThingsBoard HTTP).
  writeSettingText(hub.db, 'token-in-url', 'on');
  hub.services.watcher.notify();
  const tbUrl = `${ingest}/api/v1/${tb.token}/rpc`;
  assert.equal((await httpsRequest(tbUrl, { ca: hub.tls.caCertPem })).status, 408, 'nothing pending yet');
  const rpcSent = (await rpc(base, 'commands.send', { deviceId: tb.device.id, rpc: { method: 'setLed', params: { on: true } }, waitMs: 0 }, owner)).body.result as { id: string };
  const fetched = await httpsRequest(tbUrl, { ca: hub.tls.caCertPem });
  assert.equal(fetched.status, 200, fetched.body);
  assert.deepEqual(JSON.parse(fetched.body), { id: Number(rpcSent.id), method: 'setLed', params: { on: true } });
  assert.equal((await list(tb.device.id))[0]!.status, 'delivered');
  assert.equal((await httpsRequest(tbUrl, { ca: hub.tls.caCertPem })).status, 408, 'handed over once');
  const answer = (body: string, id = rpcSent.id) => httpsRequest(`${tbUrl}/${id}`, { ca: hub.tls.caCertPem, method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const bad = await answer('{"ok": ');
  assert.equal(bad.status, 400);
  assert.equal((await list(tb.device.id))[0]!.status, 'delivered', 'a bad answer changes nothing');
  assert.equal((await answer('{"ok": true}')).status, 200);
  const answered = (await list(tb.device.id))[0]!;
  assert.equal(answered.status, 'answered');
  assert.deepEqual(answered.response, { ok: true });
  const again = await answer('{"ok": false}');
  assert.equal(again.status, 404, 'answered once');
  assert.match(again.body, /no open RPC/);
  assert.equal((await answer('{}', '999')).status, 404);

  // Expired: a command nobody fetches in time.
  const short = (await rpc(base, 'commands.send', { deviceId: tb.device.id, rpc: { method: 'reboot', params: null }, expiresInMs: 1_000, waitMs: 0 }, owner)).body.result as { id: string };
  const expired = await eventually(
    async () => {
      const r = (await list(tb.device.id)).find((c) => c.id === short.id);
      return r?.status === 'expired' ? r : undefined;
    },
    15_000,
    'expiry',
  );
  assert.equal(expired.deliveredAt, null);
  assert.equal((await httpsRequest(tbUrl, { ca: hub.tls.caCertPem })).status, 408, 'an expired RPC is never handed over');

  // Newest first, bounded by count; readers of the device may read, not send; another organisation sees nothing.
  const history = await list(tb.device.id, reader);
  assert.deepEqual(
    history.map((c) => c.status),
    ['expired', 'answered'],
  );
  assert.equal((await rpc(base, 'commands.list', { deviceId: valve.device.id }, reader)).status, 404, 'a device outside the reader’s groups');
  assert.equal(((await rpc(base, 'commands.list', { deviceId: tb.device.id, count: 1 }, owner)).body.result as Row[]).length, 1);
  assert.equal((await rpc(base, 'commands.send', { deviceId: tb.device.id, variable: 'x', value: 1 }, reader)).status, 403);
  const foreign = await rpc(base, 'commands.list', { deviceId: tb.device.id }, ownerB);
  assert.equal(foreign.status, 404);
  assert.equal(foreign.body.code, 'DEVICE_NOT_FOUND');
  assert.equal((await rpc(base, 'commands.list', { deviceId: tb.device.id, count: 0 }, owner)).status, 400);
  assert.ok(commandEvents() >= 4);
  assert.deepEqual(
    other.messages.filter((m) => m.type === 'commands'),
    [],
    'organisation 2 hears nothing of organisation 1’s commands',
  );
  ws.close();
  other.ws.close();
});
