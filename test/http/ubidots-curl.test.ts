import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, startServe } from '../helpers/cli';
import { curl } from '../helpers/ingest';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';

interface ReadingsEvent {
  readings: { variable: string; value: number; ts: number; context: Record<string, unknown> | null }[];
}

async function cliJson<T>(args: string[]): Promise<T> {
  const r = await runCli([...args, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as T;
}

/** A real `outpost serve` on a fresh data dir (OS keychain), HTTPS ingest on loopback. */
async function serveWithHttps() {
  const dataDir = tempDir();
  forgetKeychainEntryAfter(dataDir);
  const serve = await startServe(['--data-dir', dataDir, '--host', '127.0.0.1']);
  return { dataDir, serve, base: `https://localhost:${serve.ready.listeners.https!.port}/api/v1.6`, ca: join(dataDir, 'tls', 'ca.crt') };
}

test('curl drives all three Ubidots endpoints of a real `outpost serve`; readings show up in `outpost readings`', async () => {
  const { dataDir, serve, base, ca } = await serveWithHttps();
  const { token } = await cliJson<{ token: string }>(['device', 'add', 'boiler', '--data-dir', dataDir]);
  const json = ['-H', 'Content-Type: application/json', '-H', `X-Auth-Token: ${token}`];

  // Device endpoint, with and without the trailing slash; every accepted dot form.
  const ts = Date.now() - 60_000;
  const first = await curl(ca, [...json, '-d', JSON.stringify({ temperature: 21.5, pressure: { value: 1.2, timestamp: ts, context: { unit: 'bar' } } }), `${base}/devices/boiler/`]);
  assert.equal(first.status, 200, first.body);
  assert.deepEqual(JSON.parse(first.body), { temperature: [{ status_code: 201 }], pressure: [{ status_code: 201 }] });
  assert.match(first.headers, /strict-transport-security: max-age=\d+/i);
  assert.match(first.headers, /x-content-type-options: nosniff/i);
  const second = await curl(ca, [...json, '-d', JSON.stringify({ temperature: [{ value: 22 }, { value: 23 }] }), `${base}/devices/BOILER?timestamp=${ts + 1}`]);
  assert.equal(second.status, 200, second.body);
  assert.deepEqual(JSON.parse(second.body), { temperature: [{ status_code: 201 }, { status_code: 201 }] });

  // Variable values endpoint: one dot, then an array.
  const one = await curl(ca, [...json, '-d', '{"value": 5}', `${base}/devices/boiler/flow/values`]);
  assert.equal(one.status, 200, one.body);
  const many = await curl(ca, [...json, '-d', '[{"value": 6, "timestamp": ' + (ts + 2) + '}, 7]', `${base}/devices/boiler/flow/values/`]);
  assert.equal(many.status, 200, many.body);
  assert.deepEqual(JSON.parse(many.body), { flow: [{ status_code: 201 }, { status_code: 201 }] });

  // Last value: a bare number.
  const lv = await curl(ca, ['-H', `X-Auth-Token: ${token}`, `${base}/devices/boiler/flow/lv`]);
  assert.equal(lv.status, 200);
  assert.equal(lv.body, '7');
  const missing = await curl(ca, ['-H', `X-Auth-Token: ${token}`, `${base}/devices/boiler/nothing/lv`]);
  assert.equal(missing.status, 404);
  assert.equal(JSON.parse(missing.body).code, 'NOT_FOUND');

  const { readings } = await cliJson<ReadingsEvent>(['readings', 'boiler', '--last', '50', '--data-dir', dataDir]);
  const byVar = (v: string) => readings.filter((r) => r.variable === v).map((r) => r.value).sort();
  assert.deepEqual(byVar('temperature'), [21.5, 22, 23]);
  assert.deepEqual(byVar('flow'), [5, 6, 7]);
  assert.equal(readings.filter((r) => r.variable === 'flow').length, 3, 'the access-token write comes after this check');
  const pressure = readings.find((r) => r.variable === 'pressure')!;
  assert.equal(pressure.ts, ts);
  assert.deepEqual(pressure.context, { unit: 'bar' });
  assert.equal(readings.find((r) => r.variable === 'temperature' && r.value === 22)!.ts, ts + 1, 'the timestamp query parameter applies to dots without one');

  // API key (outpost apikey add) -> access token -> X-Auth-Token, through the AAA service.
  const { key } = await cliJson<{ key: string }>(['apikey', 'add', 'firmware', '--data-dir', dataDir]);
  const minted = await curl(ca, ['-X', 'POST', '-H', `x-ubidots-apikey: ${key}`, `${base}/auth/token`]);
  assert.equal(minted.status, 201, minted.body);
  const { token: access } = JSON.parse(minted.body) as { token: string };
  const viaAccess = await curl(ca, ['-H', 'Content-Type: application/json', '-H', `X-Auth-Token: ${access}`, '-d', '{"flow": 8}', `${base}/devices/boiler`]);
  assert.equal(viaAccess.status, 200, viaAccess.body);
  const badKey = await curl(ca, ['-X', 'POST', '-H', `x-ubidots-apikey: opk_${'x'.repeat(43)}`, `${base}/auth/token`]);
  assert.equal(badKey.status, 401, badKey.body);
  assert.ok(!badKey.body.includes(key));
  assert.equal((await serve.stop()).code, 0);
});

test('organisation ingest tokens from `outpost token add`: device list, device creation with ?type=, revocation', async () => {
  const { dataDir, serve, base, ca } = await serveWithHttps();
  const added = await cliJson<{ token: string; devices: string[] }>(['token', 'add', 'fleet', '--devices', 'pump-1,pump-2', '--create-devices', '--data-dir', dataDir]);
  assert.match(added.token, /^opo_/);
  assert.deepEqual(added.devices, ['pump-1', 'pump-2']);
  const post = (device: string, token = added.token) =>
    curl(ca, ['-H', 'Content-Type: application/json', '-H', `X-Auth-Token: ${token}`, '-d', '{"rpm": 1200}', `${base}/devices/${device}?type=pump`]);

  assert.equal((await post('pump-1')).status, 200);
  const other = await post('pump-9');
  assert.equal(other.status, 403, other.body);
  assert.match(JSON.parse(other.body).message, /may not write to device "pump-9"/);
  const devices = await cliJson<{ devices: { label: string; type: string | null }[] }>(['device', 'list', '--data-dir', dataDir]);
  assert.deepEqual(devices.devices.map((d) => [d.label, d.type]), [['pump-1', 'pump']]);

  const list = await runCli(['token', 'list', '--data-dir', dataDir]);
  assert.match(list.stdout, /fleet\s+opo_/);
  assert.ok(!list.stdout.includes(added.token), 'the token is shown once, never listed');
  const duplicate = await runCli(['token', 'add', 'fleet', '--data-dir', dataDir]);
  assert.equal(duplicate.code, 1);
  assert.match(duplicate.stderr, /already exists/);

  assert.equal((await runCli(['token', 'revoke', 'fleet', '--data-dir', dataDir])).code, 0);
  const revoked = await post('pump-1');
  assert.equal(revoked.status, 401, 'a revocation by the CLI counts at once');
  assert.equal(JSON.parse(revoked.body).code, 'BAD_TOKEN');
  const again = await runCli(['token', 'revoke', 'fleet', '--data-dir', dataDir]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /no live ingest token named "fleet"/);
  assert.equal((await serve.stop()).code, 0);
});
