import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import WebSocket from 'ws';
import { runCli } from '../helpers/cli';
import { TcpClient } from '../helpers/tcp-client';
import { eventually, mosqArgs, runTool, startHub, startTool, stopProcess, type TestHub } from '../mqtt/helpers/hub';
import { rpc } from './helpers';

/**
 * Revocation always bites: whichever path revokes a credential (the console,
 * the API with an app token, the CLI in another process, or a commit straight
 * from another database connection), the live MQTT session, the TCP
 * connection and the console WebSocket using it are closed within a second,
 * and the credential is refused from then on.
 */
const password = 'revocation passphrase 1';
const withinMs = 1_000;

interface Live {
  /** When each connection closed (ms since the epoch), or never. */
  mqttClosedAt: Promise<number>;
  tcpClosedAt: Promise<number>;
  wsClosedAt: Promise<number>;
  stop(): Promise<void>;
}

function jsonLast<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

// An error ends the connection too (a WebSocket reset emits error before close).
const closedAt = (p: Promise<unknown>) => p.then(() => Date.now(), () => Date.now());
/** When it closed, or Infinity if it is still open 5 s after `from` (the waiting starts at the revocation, which may itself be slow: a CLI process). */
const closedBy = (at: Promise<number>) => Promise.race([at, new Promise<number>((r) => setTimeout(() => r(Infinity), 5_000).unref())]);

async function openConnections(hub: TestHub, label: string, deviceToken: string, consoleToken: string): Promise<Live> {
  // MQTT: a subscriber holding a session with the device's token.
  const sub = startTool('stdbuf', ['-oL', 'mosquitto_sub', ...mosqArgs(hub, deviceToken), '-t', `/v1.6/devices/${label}/setpoint/lv`, '-q', '1', '-d']);
  await eventually(() => (sub.output().includes('received SUBACK') ? true : undefined), 15_000, 'SUBACK');
  // TCP: a connection that has written with the token.
  const tcp = await TcpClient.plain(hub.serve.ready.listeners.tcp!.port);
  assert.equal(await tcp.ask(`ua|POST|${deviceToken}|${label}=>temperature:20|end`), 'OK');
  // Console WebSocket with the console credential.
  const ws = new WebSocket(`wss://localhost:${hub.serve.ready.listeners.console!.port}/api/live`, { ca: hub.ca });
  await once(ws, 'open');
  ws.send(JSON.stringify({ type: 'auth', token: consoleToken }));
  await new Promise<void>((resolve) => ws.once('message', () => resolve()));
  return {
    mqttClosedAt: closedAt(once(sub.child, 'exit')),
    tcpClosedAt: closedAt(tcp.closed),
    wsClosedAt: closedAt(once(ws, 'close')),
    async stop() {
      ws.terminate();
      tcp.socket.destroy();
      await stopProcess(sub.child);
    },
  };
}

test('a revocation from the console, the API, the CLI or another database connection closes the MQTT session, the TCP connection and the console WebSocket within 1 s', async () => {
  const hub = await startHub(['--tcp-port', '0']);
  const add = await runCli(['user', 'add', 'ops@example.com', '--role', 'admin', '--password-stdin', '--data-dir', hub.dataDir], { input: `${password}\n` });
  assert.equal(add.code, 0, add.stderr);
  const base = { url: `https://127.0.0.1:${hub.serve.ready.listeners.console!.port}`, ca: hub.ca };
  const session = ((await rpc(base, 'auth.login', { email: 'ops@example.com', password })).body.result as { token: string }).token;
  const adminApp = jsonLast<{ token: string }>((await hub.cli(['app', 'add', 'provisioner', '--scopes', 'devices:admin,apps:admin,devices:read,readings:read', '--json'])).stdout).token;

  interface Path {
    name: string;
    revokeDevice(label: string, deviceId: number): Promise<void>;
    revokeApp(appName: string): Promise<void>;
  }
  const direct = async (sql: string, arg: number | string) => {
    const store = await hub.store();
    store.db.prepare(sql).run(Date.now(), arg);
  };
  const paths: Path[] = [
    {
      name: 'console (a signed-in admin)',
      revokeDevice: async (_label, deviceId) => assert.equal((await rpc(base, 'devices.revokeTokens', { deviceId }, session)).status, 200),
      revokeApp: async (appName) => assert.equal((await rpc(base, 'apps.revoke', { name: appName }, session)).status, 200),
    },
    {
      name: 'API (an app token)',
      revokeDevice: async (_label, deviceId) => assert.equal((await rpc(base, 'devices.rotateToken', { deviceId }, adminApp)).status, 200),
      revokeApp: async (appName) => assert.equal((await rpc(base, 'apps.revoke', { name: appName }, adminApp)).status, 200),
    },
    {
      name: 'CLI (another process)',
      revokeDevice: async (label) => assert.equal((await hub.cli(['device', 'revoke', label])).code, 0),
      revokeApp: async (appName) => assert.equal((await hub.cli(['app', 'revoke', appName])).code, 0),
    },
    {
      name: 'another database connection',
      revokeDevice: (_label, deviceId) => direct('UPDATE device_tokens SET revoked_at = ? WHERE device_id = ?', deviceId),
      revokeApp: (appName) => direct('UPDATE apps SET revoked_at = ? WHERE name = ?', appName),
    },
  ];

  let n = 0;
  for (const path of paths) {
    n += 1;
    const label = `valve-${n}`;
    const added = jsonLast<{ token: string; id: number }>((await hub.cli(['device', 'add', label, '--json'])).stdout);
    const appName = `wallboard-${n}`;
    const app = jsonLast<{ token: string }>((await hub.cli(['app', 'add', appName, '--scopes', 'readings:read', '--json'])).stdout).token;
    const live = await openConnections(hub, label, added.token, app);
    await path.revokeDevice(label, added.id);
    const deviceRevoked = Date.now();
    await path.revokeApp(appName);
    const appRevoked = Date.now();
    const [mqttAt, tcpAt, wsAt] = await Promise.all([closedBy(live.mqttClosedAt), closedBy(live.tcpClosedAt), closedBy(live.wsClosedAt)]);
    await live.stop();
    // Measured from when the revoking call returned (a close may come even before that).
    assert.ok(mqttAt - deviceRevoked <= withinMs, `${path.name}: the MQTT session closed ${mqttAt - deviceRevoked} ms after the revocation`);
    assert.ok(tcpAt - deviceRevoked <= withinMs, `${path.name}: the TCP connection closed ${tcpAt - deviceRevoked} ms after the revocation`);
    assert.ok(wsAt - appRevoked <= withinMs, `${path.name}: the console WebSocket closed ${wsAt - appRevoked} ms after the revocation`);
    // And a new attempt with the old token is refused.
    const again = await runTool('mosquitto_pub', [...mosqArgs(hub, added.token), '-t', `/v1.6/devices/${label}`, '-m', '{"t": 1}', '-q', '1', '-d']);
    assert.match(again.stdout, /CONNACK \(5\)/, `${path.name}: the revoked token connects no more`);
    assert.equal((await rpc(base, 'devices.list', {}, app)).status, 401);
  }
});
