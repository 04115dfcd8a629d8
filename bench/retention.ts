// Ingest while retention purges a backlog of old readings, against ingest
// without purging, in the same run and the same hub (docs/STEWARDSHIP.md,
// "Retention"). Goal: with purging >= 0.8 x without. Bounded: --old rows
// seeded (default 1,000,000), --seconds per phase (default 5).
//   npm run bench -- retention [--old N] [--seconds S]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createHub } from '../src-main/hub';
import { addDevice } from '../src-main/devices/lifecycle';
import { createLogger } from '../src-main/logging/logger';

const { values } = parseArgs({ options: { old: { type: 'string', default: '1000000' }, seconds: { type: 'string', default: '5' } } });
const oldRows = Math.min(Number(values.old), 20_000_000);
const phaseMs = Math.min(Number(values.seconds), 120) * 1000;
const goal = 0.8;
const day = 86_400_000;

const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-retention-'));
const keyFile = join(dir, 'hub.key');
writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
const hub = await createHub({ dataDir: join(dir, 'hub'), keyFile, host: '127.0.0.1', ports: { console: 0, https: null, mqtts: null } }, { logger: createLogger({ level: 'silent' }) });
try {
  const now = Date.now();
  // Old readings of one device, written straight into the table (the purge's work, not the bench's).
  const device = addDevice(hub.db, { orgId: 1, label: 'old-device' }).device.id;
  const variable = Number(hub.db.prepare("INSERT INTO variables (device_id, label, created_at) VALUES (?, 'temperature', 0)").run(device).lastInsertRowid);
  const insert = hub.db.prepare('INSERT INTO readings (variable_id, ts, value, context, received_at) VALUES (?, ?, ?, NULL, ?)');
  for (let done = 0; done < oldRows; done += 100_000) {
    hub.db.transaction(() => {
      for (let i = done; i < Math.min(oldRows, done + 100_000); i++) insert.run(variable, now - 200 * day + i, i, now);
    })();
  }
  hub.db.pragma('wal_checkpoint(TRUNCATE)');

  // Recent readings (a day ago onwards, 1 ms apart): well inside retention and never in the future.
  let ts = now - day;
  /** Readings committed through the pipeline in `ms`, four devices sending batches of 100 at once. */
  const measure = async (ms: number): Promise<number> => {
    const end = performance.now() + ms;
    let count = 0;
    await Promise.all(
      [0, 1, 2, 3].map(async (d) => {
        while (performance.now() < end) {
          const dots = Array.from({ length: 100 }, (_, i) => ({ variable: 'v', value: i, ts: ts++ }));
          const r = await hub.services.pipeline.ingest({ principal: { kind: 'internal', orgId: 1, actor: 'bench', canCreateDevices: true }, protocol: 'https', deviceLabel: `live-${d}`, dots, bytes: 0 });
          count += r.stored.length;
        }
      }),
    );
    return (count * 1000) / ms;
  };

  await measure(1000); // warm-up
  const without = await measure(phaseMs);
  const started = performance.now();
  let purgeMs: number | null = null;
  const purge = hub.services.retention.runNow().then((run) => {
    purgeMs = performance.now() - started;
    return run;
  });
  const during = await measure(phaseMs);
  const running = purgeMs === null;
  const run = await purge;
  const ratio = during / without;
  console.log(`old readings: ${oldRows}; phase: ${phaseMs / 1000} s`);
  console.log(`ingest without purging: ${Math.round(without)} readings/s`);
  console.log(`ingest while purging:   ${Math.round(during)} readings/s (purge ${running ? 'ran the whole phase' : `finished after ${Math.round(purgeMs!)} ms`}; deleted ${run.deleted.readings ?? 0} readings in all)`);
  console.log(`ratio: ${ratio.toFixed(2)} (goal >= ${goal})${ratio >= goal ? '' : ' BELOW GOAL'}`);
  // The purge's own pace (it yields to ingest, so this is its speed under load, not alone).
  console.log(`purge in all: ${Math.round(purgeMs!)} ms (${Math.round(((run.deleted.readings ?? 0) * 1000) / purgeMs!)} readings/s)`);
  if (!running) console.log('note: the purge finished inside the phase; use a larger --old to measure it throughout');
} finally {
  await hub.stop();
  rmSync(dir, { recursive: true, force: true });
}
