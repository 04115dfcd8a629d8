import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src-main/store/database';
import { migrate } from '../../src-main/store/migrations';
import { insertDevice } from '../../src-main/devices/queries/devices';
import { readingStatements } from '../../src-main/history/queries/readings';
import { variableStatements } from '../../src-main/devices/queries/variables';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface Mosquitto {
  url: string;
  ca: string;
  stop(): Promise<void>;
}

/** A CA and a server certificate for localhost, made with openssl for the Mosquitto baseline. */
function makeCertificates(dir: string): void {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=bench-ca']);
  run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'ext.cnf']);
}

/** Mosquitto (Debian) on a free loopback port with TLS, the same cipher policy floor (TLS 1.2). */
export async function startMosquitto(): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-mosquitto-'));
  makeCertificates(dir);
  const port = await freePort();
  writeFileSync(
    join(dir, 'mosquitto.conf'),
    [
      `listener ${port} 127.0.0.1`,
      `cafile ${join(dir, 'ca.crt')}`,
      `certfile ${join(dir, 'server.crt')}`,
      `keyfile ${join(dir, 'server.key')}`,
      'tls_version tlsv1.2',
      'allow_anonymous true',
      'max_inflight_messages 0',
      'max_queued_messages 100000',
      'persistence false',
      'log_dest stderr',
      'log_type error',
      // Run as whoever runs the bench (as root Mosquitto would switch to "mosquitto", which cannot read the temp key).
      `user ${userInfo().username}`,
    ].join('\n') + '\n',
  );
  const child: ChildProcess = spawn('/usr/sbin/mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'inherit'] });
  // Wait until it accepts connections.
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `mqtts://localhost:${port}`,
    ca: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    async stop() {
      child.kill();
      if (child.exitCode === null) await once(child, 'exit');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The floor for any listener: readings inserted straight into the same
 * encrypted store (same cipher, WAL, synchronous=FULL, same statements as the
 * pipeline), `batch` readings per transaction, for `ms` milliseconds.
 */
export function rawInsertBaseline(variables: number, batch: number, ms: number): { readings: number; ms: number } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-raw-'));
  const db = openDatabase({ file: join(dir, 'raw.db'), key: randomBytes(32) });
  try {
    migrate(db);
    const device = insertDevice(db, { orgId: 1, label: 'raw', name: 'raw', type: null, now: Date.now() });
    const readings = readingStatements(db);
    const vars = variableStatements(db);
    const ids = Array.from({ length: variables }, (_, i) => vars.idFor(device.id, `v${i}`, Date.now()));
    const insert = db.transaction((n: number) => {
      const now = Date.now();
      for (let k = 0; k < batch; k++) {
        const id = ids[k % variables]!;
        readings.insert(id, now, n + k, null, now);
        vars.setLast(id, n + k, now, null);
      }
    });
    let total = 0;
    const started = Date.now();
    while (Date.now() - started < ms) {
      insert.immediate(total);
      total += batch;
    }
    return { readings: total, ms: Date.now() - started };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
