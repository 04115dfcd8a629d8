/**
 * MQTT/TLS ingest benchmark: readings persisted per second through `outpost
 * serve` (QoS 0 and 1, 1 and 10 variables per message), against Mosquitto
 * relaying the same messages to a subscriber and raw batched inserts into the
 * same encrypted store. Run: node --import tsx bench/ingest/mqtt.ts
 * BENCH_HUB_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the hub.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { openStore } from '../../src-main/cli/open-store';
import { addDevice } from '../../src-main/devices/lifecycle';
import { connectAll, runQos0, runQos1, type Target } from './load';
import { rawInsertBaseline, startMosquitto } from './baselines';
import { startHub } from './serve';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 4);
const window = Number(process.env.BENCH_WINDOW ?? 1000);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-mqtt-'));
  const dataDir = join(work, 'hub');
  const results: Record<string, number> = {};
  const print = (name: string, perSecond: number, unit: string) => {
    results[name] = perSecond;
    console.log(`${name.padEnd(44)} ${fmt(perSecond).padStart(10)} ${unit}/s`);
  };
  try {
    console.log(`MQTT/TLS ingest: ${connections} connections, QoS 1 window ${window}, ${seconds} s per run, ${process.env.BENCH_CPUS ?? 'all'} CPUs`);
    let hub = await startHub(dataDir);
    await hub.stop(); // first start creates keys, CA and schema; measure a warm start
    hub = await startHub(dataDir);
    const store = await openStore(dataDir, join(work, 'key'));
    const tokens = Array.from({ length: connections }, (_, i) => addDevice(store.db, { label: `bench${i}` }).token);
    // max(id), not count(*): O(log n), so polling does not compete with the hub for CPU.
    const count = () => (store.db.prepare('SELECT coalesce(max(id), 0) FROM readings').pluck().get() as number);
    const target: Target = { url: `mqtts://localhost:${hub.port}`, ca: readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8'), usernames: tokens, topic: (i) => `/v1.6/devices/bench${i}` };
    const clients = await connectAll(target);

    for (const variables of [1, 10]) {
      const r = await runQos1(clients, target, variables, window, seconds * 1000);
      print(`outpost QoS 1, ${variables} var/msg (PUBACKed = committed)`, (r.messages * variables * 1000) / r.ms, 'readings');
      results[`outpost-qos1-${variables}-msgs`] = (r.messages * 1000) / r.ms;
    }
    for (const variables of [1, 10]) {
      const before = count();
      const perConnection = Math.round((variables === 1 ? 40_000 : 10_000) * (seconds / 8));
      const expected = before + perConnection * connections * variables;
      const started = Date.now();
      await runQos0(clients, target, variables, perConnection);
      while (count() < expected && Date.now() - started < 120_000) await new Promise((r) => setTimeout(r, 20));
      const stored = count() - before;
      print(`outpost QoS 0, ${variables} var/msg (persisted)`, (stored * 1000) / (Date.now() - started), 'readings');
      if (stored < perConnection * connections * variables) console.log(`  (only ${stored} of ${perConnection * connections * variables} readings were stored)`);
    }
    for (const c of clients) c.end(true);
    store.close();
    await hub.stop();

    // Mosquitto relaying the same messages (QoS 1 in and out) to one subscriber.
    const mosquitto = await startMosquitto();
    try {
      const mTarget: Target = { url: mosquitto.url, ca: mosquitto.ca, usernames: tokens.map((_, i) => `pub${i}`), topic: (i) => `/v1.6/devices/bench${i}` };
      const subscriber = await mqtt.connectAsync(mosquitto.url, { ca: mosquitto.ca, reconnectPeriod: 0, clientId: 'bench-sub', clean: true });
      let received = 0;
      subscriber.on('message', () => received++);
      await subscriber.subscribeAsync('/v1.6/devices/#', { qos: 1 });
      const pubs = await connectAll(mTarget);
      for (const variables of [1, 10]) {
        received = 0;
        const r = await runQos1(pubs, mTarget, variables, window, seconds * 1000);
        // Relayed within the run: messages the subscriber got while the publishers ran.
        print(`mosquitto QoS 1 relay, ${variables} var/msg`, (Math.min(received, r.messages) * 1000) / r.ms, 'messages');
        results[`mosquitto-${variables}`] = (Math.min(received, r.messages) * 1000) / r.ms;
        await new Promise((res) => setTimeout(res, 500));
      }
      for (const p of pubs) p.end(true);
      subscriber.end(true);
    } finally {
      await mosquitto.stop();
    }

    for (const variables of [1, 10]) {
      const raw = rawInsertBaseline(variables, 1000, 3000);
      print(`raw batched inserts, same store (1000/txn)`, (raw.readings * 1000) / raw.ms, 'readings');
      results[`raw-${variables}`] = (raw.readings * 1000) / raw.ms;
      break;
    }

    const q1ten = results['outpost QoS 1, 10 var/msg (PUBACKed = committed)']!;
    console.log('\nratios');
    console.log(`  outpost QoS 1 10-var readings/s vs goal 50,000:           ${(q1ten / 50_000).toFixed(2)}x`);
    console.log(`  outpost QoS 1 10-var vs raw inserts:                       ${(q1ten / results['raw-1']!).toFixed(2)}x`);
    for (const v of [1, 10]) {
      console.log(`  outpost QoS 1 ${String(v).padStart(2)}-var messages/s vs mosquitto relay:     ${(results[`outpost-qos1-${v}-msgs`]! / results[`mosquitto-${v}`]!).toFixed(2)}x (goal >= 0.5x)`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
