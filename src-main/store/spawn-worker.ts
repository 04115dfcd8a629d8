import { Worker, type WorkerOptions } from 'node:worker_threads';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../paths';

export interface WorkerEntry {
  /** The bundle input name in electron.vite.config.ts: built to out/main/<bundle>.js. */
  bundle: string;
  /** The TypeScript source, relative to the package folder. */
  source: string;
}

/** True when this module runs from its TypeScript source (tsx), false inside the electron-vite bundle. */
const fromSource = import.meta.url.endsWith('.ts');

/**
 * Starts one of the hub's worker threads, from the bundle or from source.
 *
 * Bundled (the Electron app, `outpost` without sources): every worker entry is
 * its own input in electron.vite.config.ts, so it is built to
 * out/main/<bundle>.js next to index.js and cli.js, and that file is started.
 *
 * From source (tests, `npm start`, scripts/outpost.mjs under tsx): Node 20
 * does not apply tsx's loader to worker threads (neither `--import tsx` nor
 * `register()` reaches them), so the worker starts from a two-line bootstrap
 * that registers tsx inside the worker and then imports the .ts entry.
 */
export function spawnWorker(entry: WorkerEntry, options: WorkerOptions): Worker {
  const root = packageRoot();
  if (!fromSource) return new Worker(join(root, 'out', 'main', `${entry.bundle}.js`), options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const target = pathToFileURL(join(root, entry.source)).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(target)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
