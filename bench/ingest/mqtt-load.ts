/**
 * The MQTT/TLS load generator, in its own process so it never shares an event
 * loop with the hub under test. Used for the hub and for Mosquitto alike.
 *   --mode rate:    each connection publishes QoS 1 at a fixed offered rate
 *                   (open loop: sends on schedule whether or not PUBACKs came
 *                   back) and records each PUBACK's latency.
 *   --mode window:  closed loop, `window` unacknowledged PUBLISHes per
 *                   connection, as fast as acknowledgements allow.
 * Prints one JSON line: {acked, ms, p50, p99, max, failed, unanswered, relayed}.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { connectAll, payloadOf, runQos1, type Target } from './load';

const { values: a } = parseArgs({
  options: {
    url: { type: 'string' },
    ca: { type: 'string' },
    usernames: { type: 'string' },
    mode: { type: 'string', default: 'rate' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '1' },
    variables: { type: 'string', default: '10' },
    window: { type: 'string', default: '100' },
    relay: { type: 'boolean', default: false },
  },
});

const target: Target = {
  url: a.url!,
  ca: readFileSync(a.ca!, 'utf8'),
  usernames: readFileSync(a.usernames!, 'utf8').trim().split('\n'),
  topic: (i) => `/v1.6/devices/bench${i}`,
};
const variables = Number(a.variables);
const ms = Number(a.seconds) * 1000;

function quantile(sorted: Float64Array, q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Open loop at `rate` messages/s spread over all connections, a tick every 5 ms; latencies after the warm-up only. */
function runRate(clients: mqtt.MqttClient[], rate: number, warmupMs: number): Promise<{ acked: number; ms: number; latencies: number[]; failed: number; unanswered: number }> {
  return new Promise((resolve) => {
    const latencies: number[] = [];
    const started = performance.now();
    const measureFrom = started + warmupMs;
    const until = measureFrom + ms;
    let sent = 0;
    let outstanding = 0;
    let acked = 0;
    let n = 0;
    let stopped = false;
    let failed = 0;
    const finish = () => resolve({ acked, ms, latencies, failed, unanswered: outstanding });
    const tick = () => {
      const now = performance.now();
      if (now >= until) {
        stopped = true;
        clearInterval(timer);
        if (outstanding === 0) finish();
        // A connection the server closed may never answer its last PUBLISHes.
        else setTimeout(finish, 10_000);
        return;
      }
      // Messages due by now on the fixed schedule, round-robin over connections.
      const due = Math.floor(((now - started) / 1000) * rate);
      while (sent < due) {
        const client = clients[sent % clients.length]!;
        const topic = target.topic(sent % clients.length);
        const at = performance.now();
        outstanding++;
        sent++;
        client.publish(topic, payloadOf(variables, n++), { qos: 1 }, (err) => {
          outstanding--;
          const done = performance.now();
          if (err) failed++;
          else if (at >= measureFrom && at < until) {
            acked++;
            latencies.push(done - at);
          }
          if (stopped && outstanding === 0) finish();
        });
      }
    };
    const timer = setInterval(tick, 5);
  });
}

async function main(): Promise<void> {
  const clients = await connectAll(target);
  let relayed = 0;
  let subscriber: mqtt.MqttClient | undefined;
  if (a.relay) {
    subscriber = await mqtt.connectAsync(target.url, { ca: target.ca, reconnectPeriod: 0, clientId: `bench-sub-${process.pid}`, clean: true });
    subscriber.on('message', () => relayed++);
    await subscriber.subscribeAsync('/v1.6/devices/#', { qos: 1 });
  }
  let out: Record<string, number>;
  if (a.mode === 'rate') {
    const r = await runRate(clients, Number(a.rate), Number(a.warmup) * 1000);
    const sorted = Float64Array.from(r.latencies).sort();
    out = { acked: r.acked, ms: r.ms, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: quantile(sorted, 1), failed: r.failed, unanswered: r.unanswered };
  } else {
    relayed = 0;
    const r = await Promise.race([runQos1(clients, target, variables, Number(a.window), ms), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no end to the run: a connection was closed')), ms + 30_000))]);
    out = { acked: r.messages, ms: r.ms, relayed: Math.min(relayed, r.messages) };
  }
  for (const c of clients) c.end(true);
  subscriber?.end(true);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
