/**
 * Acknowledgement latency and throughput over MQTT/TLS QoS 1 (issue 14), hub
 * against Mosquitto, with the same load generator (mqtt-load.ts, its own
 * process) in the same run:
 * - latency: 50 connections, 10-variable messages at fixed offered loads of
 *   1,000, 5,000 and 10,000 messages/s; PUBACK p50 and p99, and the ratios.
 * - throughput: 50 connections, closed loop, 10 variables: messages/s
 *   acknowledged by the hub (= committed) vs relayed by Mosquitto.
 * - export: the same throughput run while the hub streams a 30-day export
 *   (~2.6M readings of one variable, CSV formatted on the bulk reader thread),
 *   restarted until the run ends; ingest with export vs without.
 *   node --import tsx bench/ingest/latency.ts [--seconds N] [--rates 1000,5000,10000]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createHub, type Hub } from '../../src-main/hub';
import { createLogger } from '../../src-main/logging/logger';
import { addDevice } from '../../src-main/devices/lifecycle';
import { insertDevice } from '../../src-main/devices/queries/devices';
import { databasePath } from '../../src-main/lifecycle/data-dir';
import { deriveKey } from '../../src-main/security/derive';
import { openDatabase } from '../../src-main/store/database';
import { exportReadings } from '../../src-main/history/export';
import { historyReads } from '../../src-main/history/reads';
import { startMosquitto } from './baselines';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    rates: { type: 'string', default: '1000,5000,10000' },
    connections: { type: 'string', default: '50' },
    window: { type: 'string', default: '40' },
    'export-rows': { type: 'string', default: String(30 * 86_400) },
  },
});
const seconds = Number(values.seconds);
const rates = values.rates!.split(',').map(Number);
const connections = Number(values.connections);
const exportRows = Number(values['export-rows']);
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

interface LoadOut {
  acked: number;
  ms: number;
  p50?: number;
  p99?: number;
  max?: number;
  failed?: number;
  unanswered?: number;
  relayed?: number;
}

async function load(url: string, caFile: string, usersFile: string, args: string[]): Promise<LoadOut> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'mqtt-load.ts'), '--url', url, '--ca', caFile, '--usernames', usersFile, '--seconds', String(seconds), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`load generator exited ${code}`);
  return JSON.parse(out) as LoadOut;
}

/** A 30-day history at 1 s of one variable, written before the hub measures anything (another connection, like the CLI). */
function prefill(hub: Hub): { deviceId: number; from: number; to: number } {
  const keyHex = readFileSync(hub.config.keyFile!, 'utf8').trim();
  const db = openDatabase({ file: databasePath(hub.config.dataDir), key: deriveKey(Buffer.from(keyHex, 'hex'), hub.identity.hubId, 'database') });
  try {
    const to = Date.now() - 60_000;
    const from = to - exportRows * 1000;
    const device = insertDevice(db, { orgId: 1, label: 'archive', name: 'archive', type: null, now: from });
    const variable = Number(db.prepare('INSERT INTO variables (device_id, label, created_at) VALUES (?, ?, ?)').run(device.id, 't', from).lastInsertRowid);
    const insert = db.prepare('INSERT INTO readings (variable_id, ts, value, context, received_at) VALUES (?, ?, ?, NULL, ?)');
    const chunk = db.transaction((start: number, end: number) => {
      for (let i = start; i < end; i++) insert.run(variable, from + i * 1000, 20 + Math.sin(i / 3600), from + i * 1000);
    });
    for (let i = 0; i < exportRows; i += 50_000) chunk(i, Math.min(exportRows, i + 50_000));
    // Leave no large WAL behind: the hub's first commits would otherwise pay for checkpointing it.
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { deviceId: device.id, from, to: to + 1 };
  } finally {
    db.close();
  }
}

/** Streams the whole range as CSV, again and again while `running()` (the worst case for ingest); rows exported and full passes. */
async function exportWhile(hub: Hub, range: { deviceId: number; from: number; to: number }, running: () => boolean): Promise<{ rows: number; passes: number; ms: number }> {
  const started = Date.now();
  let rows = 0;
  let passes = 0;
  let bytes = 0;
  while (running()) {
    // The export handler's own stream: pages read and formatted as CSV on the bulk reader thread.
    const stream = exportReadings(hub.db, historyReads(hub.db, hub.services.reader, hub.services.bulkReader), { id: range.deviceId, label: 'archive' }, { deviceId: range.deviceId, variables: ['t'], from: range.from, to: range.to, format: 'csv', shape: 'raw', maxPoints: 1000 });
    for await (const text of stream.chunks) {
      // An export response writes each piece to its socket (UTF-8 bytes); counting bytes and lines stands in for that.
      bytes += Buffer.byteLength(text);
      for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) rows += 1;
      if (!running()) break;
    }
    passes += 1;
  }
  void bytes;
  return { rows, passes, ms: Date.now() - started };
}

const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-latency-'));
const results: Record<string, LoadOut> = {};
try {
  console.log(`MQTT/TLS QoS 1 latency and throughput: ${connections} connections, 10 variables/message, ${seconds} s per run (+1 s warm-up), load generator in its own process`);
  console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}); hub store: AEGIS, WAL, synchronous=FULL; Mosquitto: no persistence`);
  const hub = await createHub(
    { dataDir: join(dir, 'hub'), keyFile: join(dir, 'hub.key'), host: '127.0.0.1', ports: { https: null, console: 0, mqtts: 0 }, logLevel: 'warn' },
    { logger: createLogger({ level: 'warn' }) },
  );
  let range: { deviceId: number; from: number; to: number };
  try {
    const started = Date.now();
    range = prefill(hub);
    console.log(`prefilled ${fmt(exportRows)} readings of one variable for the export in ${fmt((Date.now() - started) / 1000, 1)} s`);
    const users = join(dir, 'hub-users');
    writeFileSync(users, Array.from({ length: connections }, (_, i) => addDevice(hub.db, { label: `bench${i}` }).token).join('\n'));
    const url = `mqtts://localhost:${hub.listeners.mqtts!.port}`;
    const ca = join(hub.config.dataDir, 'tls', 'ca.crt');
    // Each run starts with nothing of the last one still being committed.
    const settle = async () => {
      await hub.services.pipeline.drain();
      await new Promise((r) => setTimeout(r, 2000));
    };
    // Throughput first: an offered load the hub cannot sustain leaves a backlog behind.
    results['hub-throughput'] = await load(url, ca, users, ['--mode', 'window', '--window', values.window!]);
    await settle();
    let running = true;
    const exporting = exportWhile(hub, range, () => running);
    results['hub-throughput-export'] = await load(url, ca, users, ['--mode', 'window', '--window', values.window!]);
    running = false;
    const exported = await exporting;
    console.log(`export during ingest: ${fmt(exported.rows)} rows streamed in ${fmt(exported.ms / 1000, 1)} s (${fmt(exported.rows / (exported.ms / 1000))} rows/s, ${exported.passes} passes of ${fmt(exportRows)})`);
    for (const rate of rates) {
      await settle();
      // The hub's own event loop meanwhile (it runs in this process): tells a slow loop from slow commits.
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      const r = (results[`hub-${rate}`] = await load(url, ca, users, ['--mode', 'rate', '--rate', String(rate)]));
      delay.disable();
      console.log(`  hub at ${fmt(rate)}/s: event loop delay p50 ${fmt(delay.percentile(50) / 1e6, 1)} ms, p99 ${fmt(delay.percentile(99) / 1e6, 1)} ms, max ${fmt(delay.max / 1e6, 1)} ms`);
      if (r.failed || r.unanswered) console.log(`  hub at ${rate}/s: ${r.failed} PUBLISHes failed, ${r.unanswered} unanswered (offered load not sustained)`);
    }
  } finally {
    await hub.stop();
  }

  const mosquitto = await startMosquitto();
  try {
    const ca = join(dir, 'mosquitto-ca.crt');
    writeFileSync(ca, mosquitto.ca);
    const users = join(dir, 'mosquitto-users');
    writeFileSync(users, Array.from({ length: connections }, (_, i) => `pub${i}`).join('\n'));
    for (const rate of rates) results[`mosquitto-${rate}`] = await load(mosquitto.url, ca, users, ['--mode', 'rate', '--rate', String(rate), '--relay']);
    results['mosquitto-throughput'] = await load(mosquitto.url, ca, users, ['--mode', 'window', '--window', values.window!, '--relay']);
  } finally {
    await mosquitto.stop();
  }

  console.log('\nPUBACK latency, ms (p50 / p99)        hub                 mosquitto           ratio p50 / p99');
  for (const rate of rates) {
    const h = results[`hub-${rate}`]!;
    const m = results[`mosquitto-${rate}`]!;
    const acked = (r: LoadOut) => `${fmt(r.acked / (r.ms / 1000))}/s`;
    console.log(
      `  ${fmt(rate).padStart(6)} msg/s offered   ${`${fmt(h.p50!, 1)} / ${fmt(h.p99!, 1)}`.padEnd(12)} (${acked(h)})  ${`${fmt(m.p50!, 1)} / ${fmt(m.p99!, 1)}`.padEnd(12)} (${acked(m)})  ${(h.p50! / m.p50!).toFixed(2)}x / ${(h.p99! / m.p99!).toFixed(2)}x`,
    );
  }
  const ht = results['hub-throughput']!;
  const hx = results['hub-throughput-export']!;
  const mt = results['mosquitto-throughput']!;
  const hubRate = ht.acked / (ht.ms / 1000);
  const exportRate = hx.acked / (hx.ms / 1000);
  const relayRate = mt.relayed! / (mt.ms / 1000);
  console.log('\nthroughput, 10 variables/message (closed loop)');
  console.log(`  hub, PUBACK after commit          ${fmt(hubRate).padStart(8)} messages/s (${fmt(hubRate * 10)} readings/s)`);
  console.log(`  hub, same, during a 30-day export ${fmt(exportRate).padStart(8)} messages/s`);
  console.log(`  mosquitto relay                   ${fmt(relayRate).padStart(8)} messages/s`);
  console.log('\ngoals');
  const last = rates.at(-1)!;
  const p99Ratio = results[`hub-${last}`]!.p99! / results[`mosquitto-${last}`]!.p99!;
  const lines: [string, boolean][] = [
    [`p99 at ${fmt(last)} msg/s <= 2x Mosquitto's: ${p99Ratio.toFixed(2)}x`, p99Ratio <= 2],
    [`p99 at ${fmt(rates[0]!)} msg/s <= 10 ms: ${fmt(results[`hub-${rates[0]}`]!.p99!, 1)} ms`, results[`hub-${rates[0]}`]!.p99! <= 10],
    [`10-variable throughput >= 0.8x Mosquitto's relay: ${(hubRate / relayRate).toFixed(2)}x`, hubRate / relayRate >= 0.8],
    [`ingest during a 30-day export >= 0.9x: ${(exportRate / hubRate).toFixed(2)}x`, exportRate / hubRate >= 0.9],
  ];
  for (const [text, met] of lines) console.log(`  ${met ? 'met    ' : 'NOT met'}  ${text}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
