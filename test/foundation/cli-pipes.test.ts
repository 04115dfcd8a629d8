import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { test } from 'node:test';
import { addDevice, defaultOrgId } from '../../src-main/devices/lifecycle';
import { repoRoot } from '../helpers/cli';
import { startTestHub } from '../helpers/hub';

const readingCount = 12_000;

// One hub with enough readings that `--json` is far over a pipe's 64 KiB buffer.
const hub = await startTestHub();
addDevice(hub.db, { label: 'sensor' });
const pipeline = hub.services.pipeline!;
const principal = { kind: 'internal' as const, orgId: defaultOrgId, actor: 'test', canCreateDevices: false };
for (let batch = 0; batch < readingCount / 1000; batch++) {
  const dots = Array.from({ length: 1000 }, (_, i) => ({ variable: `v${i % 7}`, value: batch * 1000 + i, ts: 1_700_000_000_000 + batch * 1000 + i, context: { note: 'n'.repeat(24) } }));
  await pipeline.ingest({ principal, protocol: 'command', deviceLabel: 'sensor', bytes: 0, dots });
}

const cli = `${process.execPath} --import tsx ${join(repoRoot, 'src-main', 'cli', 'index.ts')}`;
const readings = `${cli} readings sensor --last ${readingCount} --data-dir ${hub.config.dataDir} --key-file ${hub.config.keyFile}`;

/** Runs a shell pipeline; `status` is the exit status of `outpost` (the first command), its stderr goes to `stderr`. */
async function pipeline$(command: string): Promise<{ stdout: string; stderr: string; status: number }> {
  const child = spawn('bash', ['-c', `${command}; echo "status=\${PIPESTATUS[0]}" >&2`], { cwd: repoRoot });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await once(child, 'exit');
  const status = Number(/status=(\d+)\s*$/.exec(stderr)?.[1]);
  return { stdout, stderr: stderr.replace(/status=\d+\s*$/, ''), status };
}

test('readings --json piped into a slow JSON parser arrives whole (not cut at 64 KiB)', async () => {
  // The readers wait a second before reading, so the pipe is full long before outpost's work is done.
  const python = await pipeline$(`${readings} --json 2>&1 | python3 -c "import json, sys, time; time.sleep(1); d = json.load(sys.stdin); print(len(d['readings']))"`);
  assert.equal(python.stdout.trim(), String(readingCount), python.stderr);
  assert.equal(python.status, 0);
  const node = await pipeline$(
    `${readings} --json | node -e "setTimeout(() => { let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => console.log(s.length, JSON.parse(s).readings.length)); }, 1000)"`,
  );
  const [bytes, count] = node.stdout.trim().split(' ').map(Number);
  assert.equal(count, readingCount, node.stderr);
  assert.ok(bytes! > 10 * 65_536, `${bytes} bytes: far more than one pipe buffer`);
});

test('a reader that goes away (head) ends outpost quietly: no EPIPE stack trace, SIGPIPE status', async () => {
  const json = await pipeline$(`${readings} --json | head -c 100`);
  assert.equal(json.stdout.length, 100);
  assert.equal(json.stderr, '', 'nothing on stderr');
  assert.equal(json.status, 141, 'the status a shell reports for a process ended by SIGPIPE');
  // Line by line (many writes): the reader leaves while outpost is still writing.
  const lines = await pipeline$(`${readings} | head -n 2`);
  assert.equal(lines.stdout.split('\n').length, 3);
  assert.equal(lines.stderr, '', 'nothing on stderr');
  assert.equal(lines.status, 141);
});

test('a small output and an error still exit with their own status once written', async () => {
  const ok = await pipeline$(`${cli} readings sensor --last 1 --json --data-dir ${hub.config.dataDir} --key-file ${hub.config.keyFile} | cat`);
  assert.equal((JSON.parse(ok.stdout) as { readings: unknown[] }).readings.length, 1);
  assert.equal(ok.status, 0);
  const missing = await pipeline$(`${cli} readings nobody --json --data-dir ${hub.config.dataDir} --key-file ${hub.config.keyFile} | cat`);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /There is no device "nobody"/);
});
