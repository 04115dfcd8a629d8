import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { eventually, readings, startHub, startTool } from './helpers/hub';

const python = '/usr/bin/python3';
const script = join(import.meta.dirname, 'helpers', 'tb_device.py');

interface Event {
  event: string;
  id?: string;
  body?: Record<string, unknown>;
  request?: Record<string, unknown>;
  missing?: string[];
}

test('paho-mqtt as ThingsBoard firmware: telemetry, attributes, client-side RPC, server RPC via the CLI, shared attributes', async () => {
  const hub = await startHub();
  const token = await hub.addDevice('tbdev');
  const device = startTool(python, [script, 'localhost', String(hub.port), hub.caFile, token]);
  const events = () =>
    device
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Event);
  const event = (pred: (e: Event) => boolean, what: string) => eventually(() => events().find(pred), 20_000, `${what}; device said:\n${device.output()}`);

  await event((e) => e.event === 'ready', 'device ready');
  const temps = await eventually(async () => {
    const r = await readings(hub, 'tbdev');
    return r.length > 0 ? r : undefined;
  });
  assert.deepEqual(
    temps.map((r) => [r.variable, r.value]),
    [['temperature', 25.5]],
    'the number is a reading; "heating" is not',
  );

  const attrs = await event((e) => e.event === 'attributes' && e.id === '1', 'attribute response');
  assert.deepEqual(attrs.body, { client: { fw_version: '1.0.3', model: 'tb-x', status: 'heating' }, shared: {} });

  const time = await event((e) => e.event === 'rpc-response' && e.id === '7', 'getCurrentTime answer');
  assert.ok(Math.abs(Number(time.body?.time) - Date.now()) < 60_000, `time ${JSON.stringify(time.body)}`);
  const unknown = await event((e) => e.event === 'rpc-response' && e.id === '8', 'unknown method answer');
  assert.match(String(unknown.body?.error), /unknown method "selfDestruct"/);

  const rpc = await hub.cli(['command', 'tbdev', '--rpc', 'setLed', '--params', '{"on": true}', '--wait', '15000', '--json']);
  assert.equal(rpc.code, 0, rpc.stderr);
  const rpcOut = JSON.parse(rpc.stdout) as { status: string; response: unknown; id: string };
  assert.equal(rpcOut.status, 'answered');
  assert.deepEqual(rpcOut.response, { ok: true, echo: { on: true } });
  const seen = await event((e) => e.event === 'rpc', 'server RPC at the device');
  assert.deepEqual(seen.request, { method: 'setLed', params: { on: true } });
  assert.equal(seen.id, rpcOut.id);

  const control = await hub.cli(['command', 'tbdev', 'target_temp', '22', '--wait', '15000', '--json']);
  assert.equal(control.code, 0, control.stderr);
  assert.equal((JSON.parse(control.stdout) as { status: string }).status, 'delivered');
  const shared = await event((e) => e.event === 'shared', 'shared attribute update');
  assert.deepEqual(shared.body, { target_temp: 22 });
  const after = await event((e) => e.event === 'attributes' && e.id === '2', 'shared attribute on request');
  assert.deepEqual(after.body, { shared: { target_temp: 22 } });
  const done = await event((e) => e.event === 'done', 'device finished');
  assert.deepEqual(done.missing, []);
});
