// HTTPS ingest throughput: requests/s and readings/s persisted by a real hub
// (TLS, auth, parse, pipeline group commit into the encrypted store), against
// two baselines measured in the same run: a bare node https server answering
// 200 with no work (what TLS + HTTP cost here), and raw batched inserts into
// the same encrypted store (what the disk allows). Goal: >= 5,000 requests/s.
//   node --import tsx bench/ingest/https.ts [--seconds N] [--connections N] [--rounds N]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createHub } from '../../src-main/hub';
import { createLogger } from '../../src-main/logging/logger';
import { addDevice, defaultOrgId } from '../../src-main/devices/lifecycle';
import { closeServer } from '../../src-main/lifecycle/listen';
import { serverTlsOptions } from '../../src-main/security/tls/server-options';
import { openDatabase } from '../../src-main/store/database';
import { migrate } from '../../src-main/store/migrations';
import { findDeviceByLabel } from '../../src-main/devices/queries/devices';
import { countReadings } from '../../src-main/history/queries/readings';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '64' }, rounds: { type: 'string', default: '3' } } });
const seconds = values.seconds!;
const connections = values.connections!;
const goal = 5000;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);

interface LoadResult {
  requests: number;
  statuses: Record<string, number>;
  seconds: number;
}

/** Runs the load generator in its own process and returns what it measured. */
async function load(url: string, caFile: string, token: string, vars: number): Promise<LoadResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'https-load.ts'), '--url', url, '--ca', caFile, '--token', token, '--vars', String(vars), '--connections', connections, '--seconds', seconds], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`load generator exited ${code}`);
  return JSON.parse(out) as LoadResult;
}

/** Raw batched inserts into an encrypted store like the hub's: the ceiling for readings/s. */
function rawInsertRate(dir: string): number {
  const db = openDatabase({ file: join(dir, 'raw.db'), key: randomBytes(32) });
  try {
    migrate(db);
    const now = Date.now();
    const device = db.prepare('INSERT INTO devices (org_id, label, name, created_at) VALUES (1, ?, ?, ?)').run('raw', 'raw', now).lastInsertRowid;
    const variable = db.prepare('INSERT INTO variables (device_id, label, created_at) VALUES (?, ?, ?)').run(device, 'v0', now).lastInsertRowid;
    const insert = db.prepare('INSERT INTO readings (variable_id, ts, value, context, received_at) VALUES (?, ?, ?, ?, ?)');
    const batch = db.transaction((start: number) => {
      for (let i = start; i < start + 1000; i++) insert.run(variable, now + i, i, null, now);
    });
    const rows = 200_000;
    const t0 = process.hrtime.bigint();
    for (let start = 0; start < rows; start += 1000) batch(start);
    return rows / (Number(process.hrtime.bigint() - t0) / 1e9);
  } finally {
    db.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rounds = Number(values.rounds);
const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-https-'));
try {
  console.log(`HTTPS ingest benchmark: ${connections} keep-alive connections from a separate process, ${seconds} s per run after 1 s warm-up, ${rounds} rounds`);
  console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}); store: AEGIS, WAL, synchronous=FULL`);

  const hub = await createHub(
    { dataDir: join(dir, 'hub'), keyFile: join(dir, 'hub.key'), host: '127.0.0.1', ports: { https: 0, console: 0, mqtts: null }, logLevel: 'warn' },
    { logger: createLogger({ level: 'warn' }) },
  );
  const caFile = join(hub.config.dataDir, 'tls', 'ca.crt');
  const bareRates: number[] = [];
  const hubRates = new Map<number, { requests: number[]; readings: number[] }>([
    [1, { requests: [], readings: [] }],
    [10, { requests: [], readings: [] }],
  ]);
  try {
    const bare = createServer({ ...serverTlsOptions(hub.tls), keepAliveTimeout: 15_000, noDelay: true }, (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 2 });
        res.end('{}');
      });
    });
    bare.listen(0, '127.0.0.1');
    await once(bare, 'listening');
    const bareUrl = `https://localhost:${(bare.address() as AddressInfo).port}/`;
    const { token } = addDevice(hub.db, { label: 'bench' });
    const device = findDeviceByLabel(hub.db, defaultOrgId, 'bench')!;
    const url = `https://localhost:${hub.listeners.https!.port}/api/v1.6/devices/bench`;
    for (let round = 1; round <= rounds; round++) {
      const bareRun = await load(bareUrl, caFile, '', 1);
      bareRates.push(bareRun.requests / bareRun.seconds);
      const line = [`bare ${fmt(bareRates.at(-1)!)} req/s`];
      for (const vars of [1, 10]) {
        await hub.services.pipeline!.drain();
        const before = countReadings(hub.db, device.id);
        const run = await load(url, caFile, token, vars);
        await hub.services.pipeline!.drain();
        const ok = run.statuses['200'] ?? 0;
        if (ok !== run.requests) console.log(`  (non-200 answers: ${JSON.stringify(run.statuses)})`);
        // Acknowledged means committed: readings/s persisted is the 200s times the variables each carried.
        const persisted = countReadings(hub.db, device.id) - before;
        if (persisted < ok * vars) throw new Error(`only ${persisted} readings stored for ${ok} acknowledged requests of ${vars}`);
        hubRates.get(vars)!.requests.push(run.requests / run.seconds);
        hubRates.get(vars)!.readings.push((ok * vars) / run.seconds);
        line.push(`hub ${vars} var ${fmt(run.requests / run.seconds)} req/s`);
      }
      console.log(`round ${round}: ${line.join('  ')}`);
    }
    await closeServer(bare);
  } finally {
    await hub.stop();
  }
  // Last: its writes must not still be on their way to disk while the hub is measured.
  const raw = rawInsertRate(dir);

  const bareRate = median(bareRates);
  console.log(`\nbaseline: bare node https server, 200 and no work        ${fmt(bareRate)} requests/s (median)`);
  console.log(`baseline: raw inserts, encrypted store, batches of 1000  ${fmt(raw)} readings/s`);
  console.log('hub, POST /api/v1.6/devices/{label}, answered after commit (medians):');
  for (const [vars, r] of hubRates) {
    const req = median(r.requests);
    const rd = median(r.readings);
    console.log(`  ${String(vars).padStart(2)} variable(s)/request: ${fmt(req)} requests/s (${(req / bareRate).toFixed(2)}x bare https)  ${fmt(rd)} readings/s persisted (${(rd / raw).toFixed(2)}x raw inserts)`);
  }
  const oneVar = median(hubRates.get(1)!.requests);
  const met = oneVar >= goal;
  console.log(`\ngoal: >= ${goal.toLocaleString('en-US')} HTTPS requests/s (1 variable): ${met ? 'met' : 'NOT met'} (${Math.round(oneVar)})`);
  if (!met) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
