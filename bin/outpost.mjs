#!/usr/bin/env node
// Runs the built CLI when present; in a source checkout without a build, runs the TypeScript through tsx.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'out', 'main', 'cli.js');
if (existsSync(built) && process.env.OUTPOST_FROM_SOURCE !== '1') {
  await import(pathToFileURL(built).href);
} else {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    process.stderr.write('outpost: this checkout is not built and tsx is not installed. Run `npm ci && npm run build`.\n');
    process.exit(1);
  }
  await import(pathToFileURL(join(root, 'src-main', 'cli', 'index.ts')).href);
}
