import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after } from 'node:test';
import { createHub, type Hub } from '../../src-main/hub';
import { createLogger } from '../../src-main/logging/logger';
import { addDevice } from '../../src-main/devices/lifecycle';
import { rejections } from '../../src-main/ingest/queries/usage';
import type { Db } from '../../src-main/store/database';
import { tempDir } from './tmp';

export interface IngestHub {
  hub: Hub;
  ca: string;
  dataDir: string;
  /** Everything the hub logged, for "no secret in the log" checks. */
  log: () => string;
}

/** A hub in this process with the HTTPS and both TCP listeners on loopback port 0. */
export async function startIngestHub(): Promise<IngestHub> {
  const dataDir = tempDir();
  let log = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      log += chunk.toString();
      done();
    },
  });
  const hub = await createHub(
    // A key file, as test/helpers/hub.ts does: the keychain has its own tests.
    { dataDir, keyFile: `${dataDir}.key`, host: '127.0.0.1', ports: { https: 0, console: 0, mqtts: null, tcp: 0, tcps: 0 }, logLevel: 'debug' },
    { logger: createLogger({ level: 'debug', destination }) },
  );
  after(async () => {
    await hub.stop();
    rmSync(`${dataDir}.key`, { force: true });
  });
  return { hub, ca: readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8'), dataDir, log: () => log };
}

export function deviceToken(hub: Hub, label: string): string {
  return addDevice(hub.db, { label }).token;
}

/** How many refusals of this protocol and reason are recorded (this hour and later). */
export function rejectionCount(db: Db, protocol: string, reason: string): number {
  return rejections(db, 0)
    .filter((r) => r.protocol === protocol && r.reason === reason)
    .reduce((n, r) => n + r.count, 0);
}

/** Waits until `check` holds; rejection counts are committed a moment after the answer is sent. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface CurlAnswer {
  status: number;
  body: string;
  headers: string;
}

/** The real curl binary, trusting only the hub CA file. */
export async function curl(caFile: string, args: string[]): Promise<CurlAnswer> {
  const child = spawn('curl', ['-sS', '--cacert', caFile, '-D', '-', '-w', '\n%{http_code}', ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code, signal] = (await once(child, 'close')) as [number | null, string | null];
  if (code !== 0) throw new Error(`curl exited ${code ?? signal}: ${stderr}`);
  const cut = stdout.lastIndexOf('\n');
  const headEnd = stdout.indexOf('\r\n\r\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(headEnd + 4, cut), headers: stdout.slice(0, headEnd) };
}
