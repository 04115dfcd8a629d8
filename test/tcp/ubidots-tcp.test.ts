import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runCli, startServe } from '../helpers/cli';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { TcpClient } from '../helpers/tcp-client';
import { tempDir } from '../helpers/tmp';

interface Reading {
  variable: string;
  value: number;
  ts: number;
  context: Record<string, unknown> | null;
}

async function readings(dataDir: string, label: string): Promise<Reading[]> {
  const r = await runCli(['readings', label, '--last', '100', '--data-dir', dataDir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { readings: Reading[] }).readings;
}

/** `openssl s_client -quiet` as a device would use it: one request on stdin, the reply on stdout. */
async function opensslRequest(port: number, caFile: string, request: string): Promise<string> {
  const child = spawn('openssl', ['s_client', '-quiet', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', caFile, '-verify_return_error']);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin.write(request);
  const until = Date.now() + 10_000;
  while (!/OK|ERROR/.test(out) && Date.now() < until && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
  child.stdin.end();
  child.kill();
  await once(child, 'exit');
  assert.match(err, /verify return:1/, `the hub certificate verified against its CA: ${err}`);
  return out;
}

test('Ubidots TCP against a real `outpost serve`: plain and TLS (node and openssl s_client), several requests per connection, split packets, LV', async () => {
  const dataDir = tempDir();
  forgetKeychainEntryAfter(dataDir);
  const serve = await startServe(['--data-dir', dataDir, '--host', '127.0.0.1', '--tcp-port', '0', '--tcps-port', '0']);
  const { tcp, tcps } = serve.ready.listeners;
  assert.ok(tcp && tcps, 'both TCP listeners are up');
  assert.ok(serve.ready.insecure.some((s) => s.includes('plain Ubidots TCP')), 'plain TCP is flagged insecure');
  const caFile = join(dataDir, 'tls', 'ca.crt');
  const ca = readFileSync(caFile, 'utf8');
  const add = async (label: string) => (JSON.parse((await runCli(['device', 'add', label, '--data-dir', dataDir, '--json'])).stdout) as { token: string }).token;
  const token = await add('tank');
  const fleet = JSON.parse((await runCli(['token', 'add', 'fleet', '--create-devices', '--data-dir', dataDir, '--json'])).stdout) as { token: string };

  const plain = await TcpClient.plain(tcp.port);
  const ts = Date.now() - 5000;
  assert.equal(await plain.ask(`esp32/1.0|POST|${token}|tank=>level:42.5$unit=cm$ok=1@${ts},temp:19|end`), 'OK');
  assert.equal(await plain.ask(`esp32/1.0|LV|${token}|tank:level|end`), 'OK|42.5');
  // One request split over three packets.
  plain.socket.write(`esp32/1.0|POST|${token}|ta`);
  await new Promise((r) => setTimeout(r, 50));
  plain.socket.write('nk=>level:43');
  await new Promise((r) => setTimeout(r, 50));
  plain.socket.write('|end\r\n');
  assert.equal(await plain.next(), 'OK');
  // Several devices in one request, with a device-level timestamp and name.
  assert.equal(await plain.ask(`gw|POST|${fleet.token}|pump-a:Pump A@${ts}=>rpm:1200;pump-b=>rpm:900,on:1|end`), 'OK');
  plain.end();

  const secure = await TcpClient.tls(tcps.port, ca);
  assert.equal(await secure.ask(`node|POST|${token}|tank=>level:44|end`), 'OK');
  assert.equal(await secure.ask(`node|LV|${token}|tank:level|end`), 'OK|44');
  secure.end();
  assert.equal(await opensslRequest(tcps.port, caFile, `openssl|POST|${token}|tank=>level:45|end`), 'OK');

  const tank = await readings(dataDir, 'tank');
  assert.deepEqual(tank.filter((r) => r.variable === 'level').map((r) => r.value).sort(), [42.5, 43, 44, 45]);
  const first = tank.find((r) => r.value === 42.5)!;
  assert.equal(first.ts, ts);
  assert.deepEqual(first.context, { unit: 'cm', ok: 1 });
  const pumpA = await readings(dataDir, 'pump-a');
  assert.deepEqual(pumpA.map((r) => [r.variable, r.value, r.ts]), [['rpm', 1200, ts]]);
  assert.deepEqual((await readings(dataDir, 'pump-b')).map((r) => r.variable).sort(), ['on', 'rpm']);
  assert.equal((await serve.stop()).code, 0);
});

test('TCP listeners are off by default and nothing about them is flagged', async () => {
  const dataDir = tempDir();
  forgetKeychainEntryAfter(dataDir);
  const serve = await startServe(['--data-dir', dataDir]);
  assert.equal(serve.ready.listeners.tcp, undefined);
  assert.equal(serve.ready.listeners.tcps, undefined);
  assert.ok(!serve.ready.insecure.some((s) => s.includes('TCP')));
  await serve.stop();
});
