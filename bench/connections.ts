// Connections the hub holds and what a good device feels meanwhile:
//   npm run bench -- connections [--max N]
// Starts `outpost serve` (its own process) and a bounded generator here:
// idle RSS of the hub; RSS and accept time with 1,000 and 10,000 (--max)
// concurrent idle MQTT/TLS device connections (CONNECT done, authenticated);
// the p99 QoS 1 round trip of one publishing device at each step; and how long
// a good device waits to connect and publish while 2,000 half-open TLS
// connections are held. The generator spreads its connections over loopback
// addresses 127.0.1.x (200 per address), under the default per-address cap of
// 256: nothing is exempted.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { repoRoot, runCli } from '../test/helpers/cli';

const { values } = parseArgs({ options: { max: { type: 'string', default: '10000' } } });
const steps = [1000, Number(values.max)].filter((n, i, a) => n > 0 && a.indexOf(n) === i);
const perAddress = 200;
const halfOpenCount = 2000;
const deadline = Date.now() + 15 * 60_000;

const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-connections-'));
const dataDir = join(dir, 'data');
const keyFile = join(dir, 'master.key');
const hub = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src-main', 'cli', 'index.ts'), 'serve', '--json', '--data-dir', dataDir, '--key-file', keyFile, '--host', '127.0.0.1', '--console-port', '0', '--https-port', 'off', '--mqtts-port', '0', '--log-level', 'warn'], { cwd: repoRoot });
let hubErr = '';
hub.stderr.on('data', (d: Buffer) => (hubErr += d.toString()).length > 100_000 && (hubErr = hubErr.slice(-50_000)));
const sockets: Socket[] = [];
const cleanup = () => {
  for (const s of sockets) s.destroy();
  if (hub.exitCode === null) hub.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
};

try {
  const ready = await new Promise<{ listeners: Record<string, { port: number }> }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve not ready: ${hubErr}`)), 60_000);
    createInterface({ input: hub.stdout }).on('line', (line) => {
      const e = JSON.parse(line) as { event: string; listeners: Record<string, { port: number }> };
      if (e.event === 'ready') {
        clearTimeout(timer);
        resolve(e);
      }
    });
  });
  const port = ready.listeners.mqtts!.port;
  const ca = readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8');
  const added = await runCli(['device', 'add', 'bench', '--data-dir', dataDir, '--key-file', keyFile, '--json']);
  if (added.code !== 0) throw new Error(added.stderr);
  const token = (JSON.parse(added.stdout) as { token: string }).token;

  const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${hub.pid}/status`, 'utf8'))![1]) / 1024;
  const settle = () => new Promise((r) => setTimeout(r, 2000));

  /** p50/p99 of `n` sequential QoS 1 publishes (PUBACK after commit) by one device. */
  const publisher = await mqtt.connectAsync(`mqtts://localhost:${port}`, { username: token, ca, reconnectPeriod: 0, clientId: 'bench-publisher' });
  let seq = 0;
  async function roundTrips(n: number): Promise<{ p50: number; p99: number }> {
    const t: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await publisher.publishAsync('/v1.6/devices/bench', JSON.stringify({ rtt: ++seq }), { qos: 1 });
      t.push(performance.now() - t0);
    }
    t.sort((a, b) => a - b);
    return { p50: t[Math.floor(n * 0.5)]!, p99: t[Math.floor(n * 0.99)]! };
  }

  /** MQTT 3.1.1 CONNECT (MQTT-3.1): clean session, no keep-alive, the token as user name. */
  function connectPacket(clientId: string): Buffer {
    const str = (s: string) => {
      const b = Buffer.from(s, 'utf8');
      return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
    };
    const body = Buffer.concat([str('MQTT'), Buffer.from([4, 0x82, 0, 0]), str(clientId), str(token)]);
    const len: number[] = [];
    let x = body.length;
    do {
      let byte = x % 128;
      x = Math.floor(x / 128);
      if (x > 0) byte |= 0x80;
      len.push(byte);
    } while (x > 0);
    return Buffer.concat([Buffer.from([0x10, ...len]), body]);
  }

  let opened = 0;
  function openDevice(): Promise<void> {
    const n = opened++;
    const localAddress = `127.0.1.${1 + Math.floor(n / perAddress)}`;
    return new Promise((resolve, reject) => {
      const s: TLSSocket = tlsConnect({ socket: netConnect({ host: '127.0.0.1', port, localAddress }), ca, servername: 'localhost' });
      sockets.push(s);
      s.once('secureConnect', () => s.write(connectPacket(`idle-${n}`)));
      s.once('data', (d: Buffer) => (d[0] === 0x20 && d[3] === 0 ? resolve() : reject(new Error(`CONNACK ${d.toString('hex')}`))));
      s.on('error', reject);
      s.once('close', () => reject(new Error(`connection ${n} closed: ${hubErr.slice(-500)}`)));
    });
  }
  async function openDevices(total: number, inFlight = 64): Promise<number> {
    const t0 = performance.now();
    let next = opened;
    const workers = Array.from({ length: inFlight }, async () => {
      while (next < total) {
        next += 1;
        if (Date.now() > deadline) throw new Error('bench took too long');
        await openDevice();
      }
    });
    await Promise.all(workers);
    return (performance.now() - t0) / 1000;
  }

  await settle();
  const rows: string[][] = [];
  const idleRtt = await roundTrips(500);
  rows.push(['idle (1 device)', rssMiB().toFixed(0), '-', idleRtt.p50.toFixed(2), idleRtt.p99.toFixed(2)]);
  for (const n of steps) {
    const before = opened;
    // The listener's cap (10,000) counts the publishing device too.
    const secs = await openDevices(n === 10_000 ? n - 1 : n);
    process.stderr.write(`  ${opened} idle devices connected in ${secs.toFixed(1)} s\n`);
    await settle();
    const rtt = await roundTrips(500);
    rows.push([`${opened.toLocaleString('en')} idle MQTT/TLS devices + the publisher`, rssMiB().toFixed(0), `${secs.toFixed(1)} s (${((opened - before) / secs).toFixed(0)}/s)`, rtt.p50.toFixed(2), rtt.p99.toFixed(2)]);
    process.stderr.write(`  | ${rows.at(-1)!.join(' | ')} |\n`);
  }
  for (const s of sockets.splice(0)) s.destroy();
  await settle();

  // A good device connecting and publishing while 2,000 half-open TLS connections are held (10 per address).
  async function goodDevice(): Promise<number> {
    const t0 = performance.now();
    const c = await mqtt.connectAsync(`mqtts://localhost:${port}`, { username: token, ca, reconnectPeriod: 0, connectTimeout: 300_000, clientId: `good-${++seq}` });
    await c.publishAsync('/v1.6/devices/bench', JSON.stringify({ good: seq }), { qos: 1 });
    const ms = performance.now() - t0;
    await c.endAsync();
    return ms;
  }
  const median = async (n: number) => {
    const t: number[] = [];
    for (let i = 0; i < n; i++) t.push(await goodDevice());
    return t.sort((a, b) => a - b)[Math.floor(n / 2)]!;
  };
  // The hub first records the end of 10,000 sessions (one committed update each): wait until it answers again.
  const t0 = performance.now();
  await goodDevice();
  process.stderr.write(`  hub answered again ${((performance.now() - t0) / 1000).toFixed(1)} s after the idle devices left\n`);
  const goodIdle = await median(20);
  const halfOpen: Socket[] = [];
  for (let i = 0; i < halfOpenCount; i += 250) {
    await Promise.all(
      Array.from({ length: 250 }, (_, j) => {
        const s = netConnect({ host: '127.0.0.1', port, localAddress: `127.0.2.${1 + Math.floor((i + j) / 10) % 250}` });
        s.on('error', () => {});
        halfOpen.push(s);
        sockets.push(s);
        return once(s, 'connect');
      }),
    );
  }
  const goodBusy = await median(20);
  const stillOpen = halfOpen.filter((s) => !s.destroyed).length;
  for (const s of halfOpen) s.destroy();

  console.log('\nConnections (outpost serve, MQTT/TLS on loopback; generator in the bench process on the same 2 cores)\n');
  console.log('| hub holds | hub RSS (MiB) | accept time | QoS 1 round trip p50 (ms) | p99 (ms) |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log(`\nGood device connect + QoS 1 publish (median of 20): ${goodIdle.toFixed(1)} ms idle, ${goodBusy.toFixed(1)} ms with ${stillOpen} of ${halfOpenCount} half-open TLS connections held (${(goodBusy / goodIdle).toFixed(2)}x)`);
  await publisher.endAsync();
} finally {
  cleanup();
}
