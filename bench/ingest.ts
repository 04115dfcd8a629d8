// `npm run bench -- ingest`: readings persisted end to end over MQTT/TLS and
// HTTPS, each against baselines measured in the same run (see the two files).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

let failed = false;
for (const part of ['mqtt.ts', 'https.ts', 'latency.ts']) {
  console.log(`\n=== bench/ingest/${part} ===`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'ingest', part), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (run.status !== 0) failed = true;
}
if (failed) process.exitCode = 1;
