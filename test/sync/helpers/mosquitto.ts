import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after } from 'node:test';
import { createCertificateAuthority, issueServerCertificate } from '../../../src-main/security/tls/certificates';

export interface BrokerTls {
  caFile: string;
  caPem: string;
  certFile: string;
  keyFile: string;
}

/** A CA and a server certificate for 127.0.0.1/localhost, written to `dir`. */
export async function brokerTls(dir: string, name = 'broker'): Promise<BrokerTls> {
  const ca = await createCertificateAuthority(`Test ${name} CA`);
  const server = await issueServerCertificate(ca, { dns: ['localhost'], ips: ['127.0.0.1'] });
  const files = { caFile: join(dir, `${name}-ca.crt`), certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`) };
  writeFileSync(files.caFile, ca.certPem);
  writeFileSync(files.certFile, server.certPem);
  writeFileSync(files.keyFile, server.keyPem, { mode: 0o600 });
  return { ...files, caPem: ca.certPem };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Mosquitto {
  port: number;
  tls: BrokerTls;
  start(): Promise<void>;
  /** SIGTERM, and wait for it to exit (it saves its persistence file). */
  stop(): Promise<void>;
  log(): string;
}

/**
 * A real Mosquitto on a free loopback port: TLS, a password file, an ACL,
 * persistence in the temp folder (a restart keeps the collector's session).
 */
/** Registers cleanup: node:test's `after` in tests; the bench passes its own. */
export type Cleanup = (fn: () => unknown) => void;

export async function startMosquitto(dir: string, options: { users: Record<string, string>; acl: string }, cleanup: Cleanup = after): Promise<Mosquitto> {
  const tls = await brokerTls(dir);
  const port = await freePort();
  const passwordFile = join(dir, 'passwd');
  writeFileSync(passwordFile, '', { mode: 0o600 });
  for (const [user, password] of Object.entries(options.users)) {
    const r = spawnSync('mosquitto_passwd', ['-b', passwordFile, user, password]);
    if (r.status !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr.toString()}`);
  }
  const aclFile = join(dir, 'acl');
  writeFileSync(aclFile, options.acl);
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      'per_listener_settings false',
      // As root, mosquitto would switch to the "mosquitto" user, who cannot read this private temp folder.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      'allow_anonymous false',
      `password_file ${passwordFile}`,
      `acl_file ${aclFile}`,
      'persistence true',
      `persistence_location ${dir}/`,
      'max_queued_messages 0',
      'max_inflight_messages 0',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      `listener ${port} 127.0.0.1`,
      `cafile ${tls.caFile}`,
      `certfile ${tls.certFile}`,
      `keyfile ${tls.keyFile}`,
      'tls_version tlsv1.2',
      '',
    ].join('\n'),
  );
  let proc: ChildProcess | undefined;
  let log = '';
  const broker: Mosquitto = {
    port,
    tls,
    async start() {
      proc = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
      await waitForPort(port).catch((err: Error) => {
        throw new Error(`${err.message}:\n${log}`);
      });
    },
    async stop() {
      const p = proc;
      proc = undefined;
      if (!p || p.exitCode !== null) return;
      p.kill('SIGTERM');
      await once(p, 'exit');
    },
    log: () => log,
  };
  cleanup(() => proc?.kill('SIGKILL'));
  await broker.start();
  return broker;
}

export interface Collected {
  /** Reading ids in arrival order, with repeats. */
  ids: string[];
  /** First arrival of each id, in order (`org`: format v2 names the site organisation of every reading). */
  unique: Map<string, { org: string | undefined; device: string; value: number }>;
  /** For failure messages: running or how it exited, and its stderr. */
  state(): string;
  stop(): Promise<void>;
}

/**
 * mosquitto_sub as the organisation's subscriber: QoS 1, a persistent session
 * (-c, fixed client id), so a broker restart loses nothing queued for it.
 * mosquitto_sub exits when the broker drops the connection uncleanly
 * ("Protocol error", exit 14); like any real consumer it is started again,
 * and its session hands over what was queued meanwhile.
 */
export async function startCollector(broker: Mosquitto, user: string, password: string, topic: string, cleanup: Cleanup = after): Promise<Collected> {
  let sub: ChildProcess | undefined;
  let stopped = false;
  let stderr = '';
  let restarts = 0;
  const out: Collected = {
    ids: [],
    unique: new Map(),
    state: () => `${sub?.exitCode === null && sub.signalCode === null ? 'running' : 'not running'}, ${restarts} restart(s); stderr: ${stderr.slice(-500)}`,
    async stop() {
      stopped = true;
      if (sub && sub.exitCode === null && sub.signalCode === null) {
        sub.kill('SIGTERM');
        await once(sub, 'exit');
      }
    },
  };
  cleanup(() => {
    stopped = true;
    sub?.kill('SIGKILL');
  });
  const run = () =>
    new Promise<void>((resolve, reject) => {
      // Line-buffered: mosquitto_sub's debug lines (SUBACK) are otherwise held in a pipe buffer.
      const p = spawn('stdbuf', ['-oL', 'mosquitto_sub', '-h', '127.0.0.1', '-p', String(broker.port), '--cafile', broker.tls.caFile, '-u', user, '-P', password, '-q', '1', '-c', '-i', `collector-${user}`, '-t', topic, '-d']);
      sub = p;
      p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => reject(new Error(`mosquitto_sub did not subscribe: ${stderr}`)), 10_000);
      createInterface({ input: p.stdout! }).on('line', (line) => {
        if (line.includes('received SUBACK')) {
          clearTimeout(timer);
          resolve();
        }
        if (!line.startsWith('{')) return;
        const batch = JSON.parse(line) as { readings: { id: string; org?: string; device: string; value: number }[] };
        for (const r of batch.readings) {
          out.ids.push(r.id);
          if (!out.unique.has(r.id)) out.unique.set(r.id, { org: r.org, device: r.device, value: r.value });
        }
      });
      p.once('exit', () => {
        if (stopped) return;
        restarts += 1;
        setTimeout(() => void run().catch(() => undefined), 200);
      });
    });
  await run();
  return out;
}
