#!/usr/bin/env node
// In a source checkout (src-main present, tsx installed) the CLI runs from the
// TypeScript source, so it can never be older than the code; an installed
// package without sources runs the built out/main/cli.js.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src-main', 'cli', 'index.ts');
const built = join(root, 'out', 'main', 'cli.js');

let tsx = null;
if (existsSync(source) && process.env.OUTPOST_FROM_BUILD !== '1') {
  tsx = await import('tsx/esm/api').catch(() => null);
}
if (tsx) {
  tsx.register();
  await import(pathToFileURL(source).href);
} else if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  process.stderr.write('outpost: this copy is not built. Run `npm ci && npm run build` in the Outpost folder.\n');
  process.exit(1);
}
