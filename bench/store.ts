// Store write throughput: encrypted (AEGIS-256, and AES-256-CBC and ChaCha20
// for comparison) against the same library with no key, on the real schema, in
// one run, so the ratio compares like with like. Goal: encrypted >= 0.6 x plain.
//   npm run bench -- store [--rows N] [--rounds N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { openDatabase, pageCipher, type Db } from '../src-main/store/database';
import { migrate } from '../src-main/store/migrations';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '7' }, batch: { type: 'string', default: '1000' } },
});
const rows = Number(values.rows);
const rounds = Number(values.rounds);
const batch = Number(values.batch);
const goal = 0.6;

/** `null` = no key: the same library writing a plain SQLite file. */
const variants: { name: string; cipher: string | null }[] = [
  { name: 'plain', cipher: null },
  { name: 'aegis', cipher: 'aegis' },
  { name: 'aes256cbc', cipher: 'aes256cbc' },
  { name: 'chacha20', cipher: 'chacha20' },
];

interface Target {
  file: string;
  key: Buffer | null;
  cipher: string | null;
}

function open(t: Target): Db {
  return openDatabase(t.cipher ? { file: t.file, key: t.key, cipher: t.cipher } : { file: t.file, key: null });
}

/**
 * Reads every reading back through a fresh connection (empty page cache, so
 * every page is decrypted); returns rows per second. Shows the cipher's cost
 * without the fsyncs that dominate the insert figure.
 */
function scanRate(t: Target): number {
  const db = open(t);
  try {
    const t0 = process.hrtime.bigint();
    const count = db.prepare('SELECT count(*) FROM readings WHERE value > -1000').pluck().get() as number;
    return count / (Number(process.hrtime.bigint() - t0) / 1e9);
  } finally {
    db.close();
  }
}

/** Inserts `rows` readings in transactions of `batch`; returns rows per second. */
function insertRate(db: Db): number {
  migrate(db);
  const now = Date.now();
  const device = db.prepare('INSERT INTO devices (org_id, label, name, created_at) VALUES (1, ?, ?, ?)').run('bench', 'Bench device', now).lastInsertRowid;
  const variables = [0, 1, 2, 3].map(
    (i) => db.prepare('INSERT INTO variables (device_id, label, created_at) VALUES (?, ?, ?)').run(device, `var-${i}`, now).lastInsertRowid,
  );
  const insert = db.prepare('INSERT INTO readings (variable_id, ts, value, context, received_at) VALUES (?, ?, ?, ?, ?)');
  const writeBatch = db.transaction((start: number) => {
    for (let i = start; i < start + batch; i++) insert.run(variables[i % 4], now + i, Math.sin(i) * 100, i % 10 === 0 ? '{"lat":52.1,"lng":4.3}' : null, now);
  });
  const t0 = process.hrtime.bigint();
  for (let start = 0; start < rows; start += batch) writeBatch(start);
  return rows / (Number(process.hrtime.bigint() - t0) / 1e9);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);

const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-'));
const results = new Map<string, number[]>(variants.map((v) => [v.name, []]));
const scans = new Map<string, number[]>(variants.map((v) => [v.name, []]));
try {
  console.log(`store insert benchmark: ${rows} rows per run in transactions of ${batch}, ${rounds} rounds, WAL, synchronous=FULL`);
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  for (let round = 1; round <= rounds; round++) {
    // Rotate the order each round so no variant always runs first (cold disk) or last.
    const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
    const line: string[] = [];
    for (const v of order) {
      const target: Target = { file: join(dir, `${v.name}-${round}.db`), key: v.cipher ? randomBytes(32) : null, cipher: v.cipher };
      const db = open(target);
      try {
        const rate = insertRate(db);
        results.get(v.name)!.push(rate);
        line.push(`${v.name} ${fmt(rate)}/s`);
      } finally {
        db.close();
      }
      scans.get(v.name)!.push(scanRate(target));
    }
    console.log(`round ${round}: ${line.join('  ')}`);
  }
  // Each ratio is taken per round (same disk, same moment) and then the median,
  // which is steadier than dividing two medians.
  const plainRuns = results.get('plain')!;
  const plainScans = scans.get('plain')!;
  const ratioOf = (name: string) => median(results.get(name)!.map((r, i) => r / plainRuns[i]!));
  const scanRatioOf = (name: string) => median(scans.get(name)!.map((r, i) => r / plainScans[i]!));
  console.log('\n           median inserts/s  ratio to plain   median rows read/s  ratio to plain');
  for (const v of variants) {
    console.log(
      `${v.name.padEnd(10)} ${fmt(median(results.get(v.name)!))}         ${ratioOf(v.name).toFixed(2)}x      ${fmt(median(scans.get(v.name)!))}` +
        `             ${scanRatioOf(v.name).toFixed(2)}x${v.cipher === pageCipher ? '   <- used by Outpost' : ''}`,
    );
  }
  const ratio = ratioOf(pageCipher);
  const met = ratio >= goal;
  console.log(`\ngoal: ${pageCipher} >= ${goal} x plain: ${met ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x)`);
  if (!met) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
