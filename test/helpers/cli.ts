import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { after } from 'node:test';

export const repoRoot = join(import.meta.dirname, '..', '..');
const cliEntry = join(repoRoot, 'src-main', 'cli', 'index.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one `outpost` command from source and collects its output. */
export async function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', cliEntry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  if (options.input !== undefined) child.stdin.end(options.input);
  else child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

export interface ReadyEvent {
  event: 'ready';
  hubId: string;
  dataDir: string;
  listeners: Record<string, { host: string; port: number }>;
  consoleUrl: string;
  caFingerprint: string;
  insecure: string[];
}

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  ready: ReadyEvent;
  events: Record<string, unknown>[];
  stderr: () => string;
  /** SIGTERM, then wait for exit; resolves with the exit code and how long it took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

/** Starts `outpost serve --json` with every listener on port 0 unless told otherwise. */
export async function startServe(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', cliEntry, 'serve', '--json', '--console-port', '0', '--https-port', '0', '--mqtts-port', '0', '--log-level', 'warn', ...args],
    { cwd: repoRoot, env: { ...process.env, ...options.env } },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const events: Record<string, unknown>[] = [];
  const lines = createInterface({ input: child.stdout });
  const ready = await new Promise<ReadyEvent>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not become ready:\n${stderr}`)), options.timeoutMs ?? 60_000);
    lines.on('line', (line) => {
      const event = JSON.parse(line) as Record<string, unknown>;
      events.push(event);
      if (event.event === 'ready') {
        clearTimeout(timer);
        resolve(event as unknown as ReadyEvent);
      } else if (event.event === 'error') {
        clearTimeout(timer);
        reject(Object.assign(new Error(String(event.message)), event));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before ready:\n${stderr}`));
    });
  });
  let exited: Promise<number | null> | undefined;
  const exit = () => (exited ??= child.exitCode !== null ? Promise.resolve(child.exitCode) : once(child, 'exit').then(([c]) => c as number | null));
  const serve: ServeProcess = {
    child,
    ready,
    events,
    stderr: () => stderr,
    async stop(signal = 'SIGTERM') {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exit();
      return { code, ms: Date.now() - started };
    },
  };
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return serve;
}
