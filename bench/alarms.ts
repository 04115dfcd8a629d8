/**
 * Ingest with 100 active alarm rules against none, in the same run: readings
 * persisted per second over MQTT/TLS (QoS 1, PUBACK = committed) through
 * `outpost serve`, alternating without and with rules so drift of a loaded
 * machine hits both. The rules watch every variable the load sends (type
 * scope), never raise (their threshold is out of reach): the cost measured is
 * evaluation on the hot path. Run: npm run bench -- alarms
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src-main/cli/open-store';
import { addDevice } from '../src-main/devices/lifecycle';
import { insertRule } from '../src-main/alarms/queries/rules';
import { ruleSpecSchema } from '../src-shared/alarm-rule';
import { connectAll, runQos1, type Target } from './ingest/load';
import { startHub } from './ingest/serve';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 4);
const window = Number(process.env.BENCH_WINDOW ?? 1000);
const seconds = Number(process.env.BENCH_SECONDS ?? 6);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const variables = 10;

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-alarms-'));
  const dataDir = join(work, 'hub');
  try {
    let hub = await startHub(dataDir);
    await hub.stop();
    hub = await startHub(dataDir);
    const store = await openStore(dataDir, join(work, 'key'));
    const tokens = Array.from({ length: connections }, (_, i) => addDevice(store.db, { label: `bench${i}`, type: 'bench' }).token);
    const target: Target = { url: `mqtts://localhost:${hub.port}`, ca: readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8'), usernames: tokens, topic: (i) => `/v1.6/devices/bench${i}` };
    const clients = await connectAll(target);
    const setRules = async (on: boolean) => {
      store.db.prepare('DELETE FROM alarm_rules').run();
      if (on) {
        for (let i = 0; i < 100; i++) {
          const spec = ruleSpecSchema.parse({ scope: { kind: 'type', type: 'bench' }, subject: { kind: 'variable', variable: `v${i % variables}` }, op: '>', levels: [{ severity: 'major', value: 1e9 }], delay: { readings: 3 } });
          insertRule(store.db, { orgId: 1, name: `rule-${i}`, enabled: true, spec, createdBy: 'bench', now: Date.now() });
        }
      }
      // The hub notices another connection's commit within its 250 ms poll.
      await new Promise((r) => setTimeout(r, 1000));
    };
    const measured = { none: [] as number[], rules: [] as number[] };
    await runQos1(clients, target, variables, window, 2000); // warm-up
    for (let round = 0; round < rounds; round++) {
      for (const mode of ['none', 'rules'] as const) {
        await setRules(mode === 'rules');
        const r = await runQos1(clients, target, variables, window, seconds * 1000);
        const perSecond = (r.messages * variables * 1000) / r.ms;
        measured[mode].push(perSecond);
        console.log(`round ${round + 1}, ${mode === 'none' ? 'no rules ' : '100 rules'}: ${Math.round(perSecond).toLocaleString('en-US').padStart(9)} readings/s`);
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(`100 active rules vs none: ${(mean(measured.rules) / mean(measured.none)).toFixed(2)}x (goal >= 0.9x)`);
    for (const c of clients) c.end(true);
    store.close();
    await hub.stop();
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
