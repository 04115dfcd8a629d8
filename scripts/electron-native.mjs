#!/usr/bin/env node
// better-sqlite3 is a Node-API-less addon: the copy built for Node cannot load
// in Electron. This builds a second copy for Electron's ABI beside it, so the
// CLI (Node) and the window (Electron) share one node_modules.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const outDir = join(root, 'node_modules', '.outpost-electron');
const target = join(outDir, 'better_sqlite3.node');
const stamp = join(outDir, 'electron-version');

if (existsSync(target) && existsSync(stamp) && readFileSync(stamp, 'utf8') === electronVersion) process.exit(0);

console.log(`Building the database module for Electron ${electronVersion} (once)…`);
const work = mkdtempSync(join(tmpdir(), 'outpost-electron-native-'));
try {
  const source = join(root, 'node_modules', 'better-sqlite3-multiple-ciphers');
  cpSync(source, work, { recursive: true, filter: (p) => !p.includes(`${join(source, 'build')}`) });
  const result = spawnSync(
    'npx',
    ['--yes', 'node-gyp', 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'],
    { cwd: work, stdio: 'inherit', env: { ...process.env, npm_config_nodedir: '' } },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
  mkdirSync(outDir, { recursive: true });
  cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target);
  writeFileSync(stamp, electronVersion);
} finally {
  rmSync(work, { recursive: true, force: true });
}
