import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDevice } from '../../src-main/devices/lifecycle';
import { createUser } from '../../src-main/access/users';
import { createGroup } from '../../src-main/access/groups';
import { startTestHub } from '../helpers/hub';
import { cliCaller, rpc } from '../access/helpers';

const password = 'dashboard passphrase 1';

test('dashboards: writers save, readers see only widgets of their devices (others reveal nothing), stale saves are refused, changes are audited', async () => {
  const hub = await startTestHub();
  const access = hub.services.access;
  const base = { url: `https://127.0.0.1:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
  const mine = addDevice(hub.db, { label: 'pump-1' }).device.id;
  const secret = addDevice(hub.db, { label: 'secret-boiler' }).device.id;
  const writer = await createUser(access, cliCaller(), { email: 'w@example.com', role: 'writer', password });
  const reader = await createUser(access, cliCaller(), { email: 'r@example.com', role: 'reader', password });
  await createUser(access, cliCaller(), { email: 'o@example.com', role: 'owner', password });
  createGroup(access, cliCaller(), { name: 'site-a', deviceIds: [mine], memberIds: [writer.id, reader.id] });
  const login = async (email: string) => ((await rpc(base, 'auth.login', { email, password })).body.result as { token: string }).token;
  const [w, r, o] = [await login('w@example.com'), await login('r@example.com'), await login('o@example.com')];

  const spec = {
    range: { preset: '7d' },
    widgets: [
      { id: 'flow', kind: 'line', title: 'Pump flow', layout: { x: 0, y: 0, w: 6, h: 4 }, series: [{ deviceId: mine, variable: 'flow' }] },
      { id: 'boiler', kind: 'gauge', title: 'Boiler secret title', layout: { x: 6, y: 0, w: 3, h: 4 }, deviceId: secret, variable: 'pressure', min: 0, max: 10, thresholds: [{ value: 8, color: 'bad' }] },
    ],
  };
  // The writer cannot place a device they may not see.
  const refused = await rpc(base, 'dashboards.create', { name: 'Plant', spec }, w);
  assert.equal(refused.status, 404);
  assert.equal(refused.body.code, 'DEVICE_NOT_FOUND');
  // A reader cannot create at all.
  assert.equal((await rpc(base, 'dashboards.create', { name: 'Mine' }, r)).status, 403);

  const created = await rpc(base, 'dashboards.create', { name: 'Plant', spec }, o);
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const id = (created.body.result as { id: number }).id;

  const asReader = (await rpc(base, 'dashboards.get', { dashboardId: id }, r)).body.result as { spec: { widgets: Record<string, unknown>[] }; revision: number };
  assert.deepEqual(asReader.spec.widgets[1], { id: 'boiler', kind: 'unavailable', layout: { x: 6, y: 0, w: 3, h: 4 } });
  assert.doesNotMatch(JSON.stringify(asReader), /secret|pressure|Boiler/);
  assert.equal(asReader.spec.widgets[0]!.title, 'Pump flow');

  // The writer moves both widgets; the hidden one keeps what is stored, at its new place.
  const asWriter = (await rpc(base, 'dashboards.get', { dashboardId: id }, w)).body.result as { spec: { range: unknown; widgets: { id: string; layout: object }[] }; revision: number };
  const moved = asWriter.spec.widgets.map((x) => ({ ...x, layout: { ...x.layout, y: 4 } }));
  const saved = await rpc(base, 'dashboards.update', { dashboardId: id, revision: asWriter.revision, spec: { range: asWriter.spec.range, widgets: moved } }, w);
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  const full = (await rpc(base, 'dashboards.get', { dashboardId: id }, o)).body.result as { spec: { widgets: { title?: string; layout: { y: number } }[] }; revision: number };
  assert.equal(full.spec.widgets[1]!.title, 'Boiler secret title');
  assert.deepEqual(full.spec.widgets.map((x) => x.layout.y), [4, 4]);
  assert.equal(full.revision, 2);

  const stale = await rpc(base, 'dashboards.update', { dashboardId: id, revision: 1, name: 'Old copy' }, w);
  assert.equal(stale.status, 409);
  assert.equal(stale.body.code, 'DASHBOARD_CHANGED');
  assert.equal((await rpc(base, 'dashboards.delete', { dashboardId: id }, w)).status, 200);
  assert.equal((await rpc(base, 'dashboards.get', { dashboardId: id }, w)).body.code, 'DASHBOARD_NOT_FOUND');

  const audit = hub.db.prepare("SELECT action, target, outcome FROM audit_log WHERE action LIKE 'dashboards.%' ORDER BY id").all();
  assert.deepEqual(audit, [
    { action: 'dashboards.create', target: 'method:dashboards.create', outcome: 'denied' },
    { action: 'dashboards.create', target: 'method:dashboards.create', outcome: 'denied' },
    { action: 'dashboards.create', target: `dashboard:${id}`, outcome: 'ok' },
    { action: 'dashboards.update', target: `dashboard:${id}`, outcome: 'ok' },
    { action: 'dashboards.update', target: `dashboard:${id}`, outcome: 'denied' },
    { action: 'dashboards.delete', target: `dashboard:${id}`, outcome: 'ok' },
  ]);
});
