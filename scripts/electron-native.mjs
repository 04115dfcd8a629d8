#!/usr/bin/env node
// better-sqlite3 is a Node-API-less addon: the copy built for Node cannot load
// in Electron. This puts a second copy for Electron's ABI beside it, so the
// CLI (Node) and the window (Electron) share one node_modules: the prebuilt
// binary the addon's maintainers publish when there is one, compiled with
// node-gyp otherwise (scripts/electron-native-plan.mjs decides the steps).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingTools, nativeAddonSteps, nativeFailureMessage } from './electron-native-plan.mjs';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const outDir = join(root, 'node_modules', '.outpost-electron');
const target = join(outDir, 'better_sqlite3.node');
const stamp = join(outDir, 'electron-version');

if (existsSync(target) && existsSync(stamp) && readFileSync(stamp, 'utf8') === electronVersion) process.exit(0);

console.log(`Setting up the database module for Electron ${electronVersion} (once)…`);
const source = join(root, 'node_modules', 'better-sqlite3-multiple-ciphers');
let done = false;
for (const step of nativeAddonSteps({ electronVersion, platform: process.platform, arch: process.arch })) {
  const work = mkdtempSync(join(tmpdir(), 'outpost-electron-native-'));
  try {
    cpSync(source, work, { recursive: true, filter: (p) => !p.includes(`${join(source, 'build')}`) });
    if (step.name === 'compile') console.log('No prebuilt copy was available; compiling it with node-gyp…');
    const result = spawnSync(step.command, step.args, { cwd: work, stdio: 'inherit' });
    const built = join(work, 'build', 'Release', 'better_sqlite3.node');
    if (result.status === 0 && existsSync(built)) {
      mkdirSync(outDir, { recursive: true });
      cpSync(built, target);
      writeFileSync(stamp, electronVersion);
      done = true;
      break;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
if (!done) {
  console.error(nativeFailureMessage({ electronVersion, platform: process.platform, missing: missingTools(process.platform, process.env.PATH ?? '') }));
  process.exit(1);
}
