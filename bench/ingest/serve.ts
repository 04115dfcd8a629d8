import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = join(import.meta.dirname, '..', '..');

/** `outpost serve` with only MQTT/TLS on a free port, for benchmarks (BENCH_HUB_NODE_ARGS is passed to its node). */
export async function startHub(dataDir: string) {
  const nodeArgs = (process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', join(root, 'src-main/cli/index.ts'), 'serve', '--json', '--data-dir', dataDir, '--key-file', join(dataDir, '..', 'key'), '--host', '127.0.0.1', '--mqtts-port', '0', '--https-port', 'off', '--console-port', '0', '--log-level', 'warn'],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<{ listeners: Record<string, { port: number }> }>((resolve, reject) => {
    lines.on('line', (l) => {
      const e = JSON.parse(l) as { event: string };
      if (e.event === 'ready') resolve(e as never);
      if (e.event === 'error') reject(new Error(l));
    });
    child.once('exit', (code) => reject(new Error(`hub exited ${code}`)));
  });
  return {
    port: ready.listeners.mqtts!.port,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}
