import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after } from 'node:test';
import type { SyncStatus } from '../../../src-shared/api/areas/sync';
import { repoRoot } from '../../helpers/cli';

const entry = join(repoRoot, 'test', 'sync', 'fixtures', 'hub-child.ts');

export interface HubChild {
  child: ChildProcessWithoutNullStreams;
  orgPort: number | null;
  hubId: string;
  request<T = Record<string, unknown>>(op: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  status(): Promise<SyncStatus>;
  ingest(devices: string[], from: number, count: number): Promise<void>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
  stderr(): string;
}

export const baseTs = 1_750_000_000_000;

/** Starts a hub (fixtures/hub-child.ts) in its own process and waits for it to be ready. */
export async function startHubChild(config: { dataDir: string; keyFile?: string; orgPort?: number }): Promise<HubChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, JSON.stringify(config)], { cwd: repoRoot });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const waiting: ((e: Record<string, unknown>) => void)[] = [];
  const lines = createInterface({ input: child.stdout });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub child not ready:\n${stderr}`)), 30_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`hub child exited with ${code}:\n${stderr}`));
    };
    child.once('exit', onExit);
    lines.once('line', (line) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(JSON.parse(line) as Record<string, unknown>);
    });
  });
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line) as Record<string, unknown>));
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exited = () => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, 'exit').then(() => undefined));
  const request = <T>(op: Record<string, unknown>, timeoutMs = 60_000) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${JSON.stringify(op)}:\n${stderr}`)), timeoutMs);
      waiting.push((e) => {
        clearTimeout(timer);
        if (e.event === 'error') reject(new Error(String(e.message)));
        else resolve(e as T);
      });
      child.stdin.write(`${JSON.stringify(op)}\n`);
    });
  return {
    child,
    orgPort: (ready.orgPort as number | null) ?? null,
    hubId: String(ready.hubId),
    request,
    status: () => request<SyncStatus>({ op: 'status' }),
    async ingest(devices, from, count) {
      await request({ op: 'ingest', devices, from, count, baseTs });
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited();
    },
    async stop() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited();
      clearTimeout(timer);
    },
    stderr: () => stderr,
  };
}

/** Polls until `check` returns a value, or fails after `timeoutMs` with what was last seen. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
