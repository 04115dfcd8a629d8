import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import mqtt, { type IClientOptions, type IConnackPacket, type MqttClient } from 'mqtt';
import { runCli, startServe, type ServeProcess } from '../../helpers/cli';
import { forgetKeychainEntryAfter } from '../../helpers/keychain';
import { tempDir } from '../../helpers/tmp';
import { openStore, type OpenStore } from '../../../src-main/cli/open-store';

export interface TestHub {
  dataDir: string;
  serve: ServeProcess;
  port: number;
  caFile: string;
  ca: string;
  cli(args: string[], timeoutMs?: number): ReturnType<typeof runCli>;
  addDevice(label: string): Promise<string>;
  /** The hub's store opened from the test process (the real key from the keychain). */
  store(): Promise<OpenStore>;
}

/** `outpost serve` on loopback with MQTT/TLS on a free port and the real keychain. */
export async function startHub(extra: string[] = [], dataDir = tempDir()): Promise<TestHub> {
  forgetKeychainEntryAfter(dataDir);
  const serve = await startServe(['--data-dir', dataDir, '--host', '127.0.0.1', ...extra]);
  // serve.stop() waits for an exit event, which a process killed by the test already sent.
  after(() => (serve.child.exitCode === null && serve.child.signalCode === null ? serve.stop() : undefined));
  const caFile = join(dataDir, 'tls', 'ca.crt');
  const stores: OpenStore[] = [];
  after(() => stores.forEach((s) => s.close()));
  const hub: TestHub = {
    dataDir,
    serve,
    port: serve.ready.listeners.mqtts!.port,
    caFile,
    ca: readFileSync(caFile, 'utf8'),
    cli: (args, timeoutMs) => runCli([...args, '--data-dir', dataDir], timeoutMs ? { timeoutMs } : {}),
    async addDevice(label) {
      const r = await runCli(['device', 'add', label, '--data-dir', dataDir, '--json']);
      if (r.code !== 0) throw new Error(`device add failed: ${r.stderr}`);
      return (JSON.parse(r.stdout) as { token: string }).token;
    },
    async store() {
      const s = await openStore(dataDir, undefined);
      stores.push(s);
      return s;
    },
  };
  return hub;
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a third-party client (mosquitto_pub, mosquitto_sub, python3) to completion. */
export async function runTool(cmd: string, args: string[], timeoutMs = 20_000): Promise<ToolResult> {
  const child = spawn(cmd, args);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Common mosquitto client arguments for the hub: TLS verified against its own CA. */
export function mosqArgs(hub: TestHub, token: string | null): string[] {
  return ['-h', 'localhost', '-p', String(hub.port), '--cafile', hub.caFile, ...(token === null ? [] : ['-u', token])];
}

/** An `mqtt` (npm) client trusting only the hub CA. */
export async function mqttClient(hub: TestHub, token: string, options: IClientOptions = {}): Promise<MqttClient> {
  const client = await mqtt.connectAsync(`mqtts://localhost:${hub.port}`, { username: token, ca: hub.ca, reconnectPeriod: 0, connectTimeout: 10_000, ...options });
  after(() => client.end(true));
  return client;
}

export async function readings(hub: TestHub, label: string, variable?: string): Promise<{ variable: string; value: number; ts: number; context: unknown }[]> {
  const r = await hub.cli(['readings', label, '--json', '--last', '1000', ...(variable ? ['--variable', variable] : [])]);
  if (r.code !== 0) throw new Error(`readings failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { readings: { variable: string; value: number; ts: number; context: unknown }[] }).readings;
}

/** Polls `check` until it returns a value that is not undefined (or fails after `ms`). */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, ms = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops a child process started by a test (no-op when it already exited). */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill();
  await exited;
}

/** Starts a long-running client and collects its stdout. */
export function startTool(cmd: string, args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(cmd, args);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  after(() => stopProcess(child));
  return { child, output: () => out };
}

/** Waits until the hub's log matches `re` (a log line may arrive after the reply it explains). */
// 15 s: at a load average of 17 a log line took longer than 5 s to appear (CI shares its two cores).
export function logged(hub: TestHub, re: RegExp, ms = 15_000): Promise<string> {
  return eventually(() => (re.test(hub.serve.stderr()) ? hub.serve.stderr() : undefined), ms, `log line ${re}`);
}

/** The CONNACK of a client made with mqtt.connect (its sessionPresent flag included). */
export function whenConnected(client: MqttClient): Promise<IConnackPacket> {
  return new Promise((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
}
