// Sync backlog drain rate: N readings queued in the outbox while the upstream
// is down, then drained to a real Mosquitto over TLS (QoS 1, password file,
// ACL) until every one is acknowledged and received by a subscriber. In the
// same run, Mosquitto's own relay rate: the same payloads published straight
// from memory (mqtt.js, QoS 1, no database) to the same subscriber. Goal: drain >= 20,000 readings/s.
//   npm run bench -- sync [--readings N]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { createHub } from '../src-main/hub';
import { createLogger } from '../src-main/logging/logger';
import { readingUid, syncFormatVersion, syncTopics } from '../src-shared/sync-format';
import { startCollector, startMosquitto, type Collected } from '../test/sync/helpers/mosquitto';

const { values } = parseArgs({ options: { readings: { type: 'string', default: '200000' }, devices: { type: 'string', default: '20' } } });
const total = Number(values.readings);
const deviceCount = Number(values.devices);
const goal = 20_000;
const batchSize = 500;

const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-sync-'));
const cleanups: (() => unknown)[] = [];
const cleanup = (fn: () => unknown) => cleanups.push(fn);

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  process.stderr.write(`  waiting: ${what}\n`);
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function collectorCount(collector: Collected, target: number, t0: bigint): Promise<number> {
  await until('subscriber received everything', () => collector.unique.size >= target, 600_000);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

try {
  const broker = await startMosquitto(
    dir,
    {
      users: { 'site-bench': 'bench-secret', collector: 'collector-secret' },
      acl: ['user site-bench', 'topic write outpost/v1/sites/+/readings', 'topic read outpost/v1/sites/+/commands', '', 'user collector', 'topic read outpost/v1/sites/+/readings', ''].join('\n'),
    },
    cleanup,
  );

  // 1. Mosquitto's own relay rate: mosquitto_pub -l, one line (one batch) per message.
  const relayCollector = await startCollector(broker, 'collector', 'collector-secret', syncTopics.readings('relay'), cleanup);
  const origin = '00000000-0000-4000-8000-000000000001';
  const lines: string[] = [];
  for (let seq = 1; seq <= total; seq += batchSize) {
    const readings = [];
    for (let i = seq; i < Math.min(total + 1, seq + batchSize); i++) readings.push({ id: readingUid(origin, i), org: 'default', device: `d${i % deviceCount}`, variable: 'v', ts: 1_750_000_000_000 + i, value: i });
    lines.push(JSON.stringify({ v: syncFormatVersion, site: 'relay', origin, sentAt: Date.now(), readings }));
  }
  // The same client library, no database: what the broker and TLS allow.
  const publisher = await mqtt.connectAsync(`mqtts://127.0.0.1:${broker.port}`, { protocolVersion: 5, username: 'site-bench', password: 'bench-secret', ca: [broker.tls.caPem], reconnectPeriod: 0 });
  const tRelay = process.hrtime.bigint();
  await Promise.all(lines.map((line) => publisher.publishAsync(syncTopics.readings('relay'), line, { qos: 1 })));
  const relaySeconds = await collectorCount(relayCollector, total, tRelay);
  await publisher.endAsync();
  await relayCollector.stop();
  const relayRate = total / relaySeconds;

  // 2. The hub: fill the outbox while the upstream is down, then drain it.
  const dataDir = join(dir, 'hub');
  mkdirSync(dataDir);
  const hub = await createHub(
    { dataDir, keyFile: join(dir, 'hub.key'), host: '127.0.0.1', ports: { console: 0, https: null, mqtts: null }, logLevel: 'silent' },
    { logger: createLogger({ level: 'silent' }) },
  );
  cleanup(() => hub.stop());
  const sync = hub.services.sync;
  const pipeline = hub.services.pipeline;
  await broker.stop();
  await sync.configure({
    url: `mqtts://127.0.0.1:${broker.port}`,
    siteId: 'bench',
    username: 'site-bench',
    password: 'bench-secret',
    caPem: broker.tls.caPem,
    devices: null,
    enabled: true,
  });
  const tFill = process.hrtime.bigint();
  const perDevice = Math.ceil(total / deviceCount);
  const work: Promise<unknown>[] = [];
  for (let d = 0; d < deviceCount; d++) {
    for (let start = 0; start < perDevice; start += 1000) {
      const dots = [];
      for (let i = start; i < Math.min(perDevice, start + 1000) && d * perDevice + i < total; i++) dots.push({ variable: 'v', value: i, ts: 1_750_000_000_000 + i });
      if (dots.length) work.push(pipeline.ingest({ principal: { kind: 'internal', orgId: 1, actor: 'bench', canCreateDevices: true }, protocol: 'https', deviceLabel: `d${d}`, dots, bytes: 0 }));
    }
  }
  await Promise.all(work);
  const fillSeconds = Number(process.hrtime.bigint() - tFill) / 1e9;
  const queued = sync.current().backlog;
  if (queued !== total) throw new Error(`outbox holds ${queued}, expected ${total}`);

  await broker.start();
  const hubCollector = await startCollector(broker, 'collector', 'collector-secret', syncTopics.readings('bench'), cleanup);
  await until('connected', () => sync.current().state === 'connected', 60_000);
  const tDrain = process.hrtime.bigint();
  await until('backlog drained', () => sync.current().backlog === 0, 600_000);
  const ackSeconds = Number(process.hrtime.bigint() - tDrain) / 1e9;
  const drainSeconds = await collectorCount(hubCollector, total, tDrain);
  const drainRate = total / drainSeconds;

  const result = {
    at: new Date().toISOString(),
    readings: total,
    batchSize,
    mosquittoRelay: { seconds: relaySeconds, readingsPerSecond: Math.round(relayRate) },
    hubDrain: { seconds: drainSeconds, acknowledgedAfterSeconds: ackSeconds, readingsPerSecond: Math.round(drainRate), ratioToRelay: Number((drainRate / relayRate).toFixed(2)) },
    outboxFill: { seconds: fillSeconds, readingsPerSecond: Math.round(total / fillSeconds) },
    goal: { readingsPerSecond: goal, met: drainRate >= goal },
  };
  const resultsDir = join(import.meta.dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `sync-${result.at.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    [
      `sync drain of ${total} readings to Mosquitto over TLS (QoS 1, batches of ${batchSize})`,
      `  mosquitto relay (from memory)      ${result.mosquittoRelay.readingsPerSecond} readings/s (${relaySeconds.toFixed(2)} s)`,
      `  hub outbox drain                    ${result.hubDrain.readingsPerSecond} readings/s (${drainSeconds.toFixed(2)} s; all PUBACKed after ${ackSeconds.toFixed(2)} s)  = ${result.hubDrain.ratioToRelay} x relay`,
      `  outbox fill through the pipeline    ${result.outboxFill.readingsPerSecond} readings/s`,
      `  goal >= ${goal} readings/s: ${result.goal.met ? 'met' : 'NOT met'}`,
    ].join('\n'),
  );
  process.exitCode = result.goal.met ? 0 : 1;
} finally {
  for (const fn of cleanups.reverse()) await fn();
  rmSync(dir, { recursive: true, force: true });
}
