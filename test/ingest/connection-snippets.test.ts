import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { caFileName, connectionQrText, connectionSnippets } from '../../src-shared/connection';
import type { HubConnection } from '../../src-shared/api/areas/hub';
import { createUser } from '../../src-main/access/users';
import { startTestHub } from '../helpers/hub';
import { tempDir } from '../helpers/tmp';
import { cliCaller, rpc } from '../access/helpers';

const password = 'connection card passphrase';

/** Runs a snippet exactly as the console shows it, in a folder holding the CA file as the note says. */
function run(command: string, cwd: string, stdin?: string): Promise<{ code: number | null; output: string }> {
  const child = stdin === undefined ? spawn('sh', ['-c', command], { cwd }) : spawn('/usr/bin/python3', ['-'], { cwd });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  child.stdin.end(stdin ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

test('the connection card’s mosquitto_pub, curl and paho-mqtt snippets store a reading as printed', async () => {
  const hub = await startTestHub({ ports: { console: 0, https: 0, mqtts: 0 } });
  const base = { url: `https://127.0.0.1:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
  await createUser(hub.services.access, cliCaller(1), { email: 'owner@example.com', role: 'owner', password });
  const token = ((await rpc(base, 'auth.login', { email: 'owner@example.com', password })).body.result as { token: string }).token;
  const created = (await rpc(base, 'devices.create', { label: 'probe-1' }, token)).body.result as { device: { id: number; label: string }; token: string };

  const answer = await rpc(base, 'hub.connection', {}, token);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const connection = answer.body.result as HubConnection;
  assert.deepEqual(connection.hosts, ['127.0.0.1'], 'listeners bound to one address: that address');
  assert.deepEqual(connection.ports, { mqtts: hub.listeners.mqtts!.port, https: hub.listeners.https!.port });
  assert.equal(connection.caPem, hub.tls.caCertPem);
  assert.equal(connection.caFingerprint, hub.tls.caFingerprint);

  const settings = { host: connection.hosts[0]!, ports: connection.ports, token: created.token, deviceLabel: created.device.label, caFingerprint: connection.caFingerprint };
  const snippets = new Map(connectionSnippets(settings, connection.caPem).map((s) => [s.id, s]));
  const dir = tempDir();
  writeFileSync(join(dir, caFileName), connection.caPem);

  const pub = await run(snippets.get('mosquitto_pub')!.text!, dir);
  assert.equal(pub.code, 0, pub.output);
  const curl = await run(`${snippets.get('curl')!.text!} --fail-with-body -sS`, dir);
  assert.equal(curl.code, 0, curl.output);
  const python = await run('', dir, snippets.get('python')!.text!);
  assert.equal(python.code, 0, python.output);

  const events = (await rpc(base, 'devices.events', { deviceId: created.device.id, count: 10 }, token)).body.result as { variable: string; value: number }[];
  assert.equal(events.length, 3, 'one reading from each snippet');
  assert.ok(events.every((e) => e.variable === 'temperature' && e.value === 21.5));

  // The sketches carry the same settings; the Ubidots library has no TLS, so it needs the plain listener.
  const tb = snippets.get('thingsboard')!.text!;
  assert.ok(tb.includes(`"${created.token}"`) && tb.includes(`PORT = ${connection.ports.mqtts}U`) && tb.includes(connection.caPem.trim()));
  assert.equal(snippets.get('ubidots')!.text, null);
  assert.match(snippets.get('ubidots')!.note, /--mqtt-port/);
  assert.deepEqual(JSON.parse(connectionQrText(settings)), { outpost: 1, host: '127.0.0.1', ports: connection.ports, device: 'probe-1', token: created.token, caSha256: hub.tls.caFingerprint });

  // A reader may not see the connection settings (they are for whoever commissions devices).
  await createUser(hub.services.access, cliCaller(1), { email: 'reader@example.com', role: 'reader', password });
  const reader = ((await rpc(base, 'auth.login', { email: 'reader@example.com', password })).body.result as { token: string }).token;
  assert.equal((await rpc(base, 'hub.connection', {}, reader)).status, 403);
});
