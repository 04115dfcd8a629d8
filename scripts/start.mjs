#!/usr/bin/env node
// `npm start`: the desktop window when Electron is installed; otherwise the
// headless hub with the same console in a browser.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const path = require('electron'); // the package exports the binary's path
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function run(cmd, args) {
  const child = spawn(cmd, args, { stdio: 'inherit', cwd: root });
  for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));
  child.on('exit', (code, signal) => process.exit(signal ? 0 : (code ?? 1)));
}

if (!existsSync(join(root, 'out', 'main', 'cli.js')) || !existsSync(join(root, 'out', 'renderer', 'index.html'))) {
  console.log('Building Outpost (first start)…');
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', cwd: root });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

let electron = electronBinary();
if (!electron && process.env.OUTPOST_HEADLESS !== '1') {
  // Electron 45 fetches its binary on first use rather than at install time.
  const install = join(root, 'node_modules', 'electron', 'install.js');
  if (existsSync(install)) spawnSync(process.execPath, [install], { stdio: 'ignore', cwd: root, timeout: 120_000 });
  electron = electronBinary();
}

if (electron && process.env.OUTPOST_HEADLESS !== '1') {
  const rebuild = spawnSync(process.execPath, [join(root, 'scripts', 'electron-native.mjs')], { stdio: 'inherit', cwd: root });
  if (rebuild.status === 0) {
    run(electron, [root]);
  } else {
    console.log('The native database module could not be built for Electron; starting the headless hub instead.');
    headless();
  }
} else {
  if (process.env.OUTPOST_HEADLESS !== '1') {
    console.log(
      'The Electron binary is not installed (its download did not succeed on this machine), so Outpost starts headless.\n' +
        'Open the console URL printed below in a browser. On a machine with internet access, `npx install-electron` then `npm start` opens the desktop window.',
    );
  }
  headless();
}

function headless() {
  run(process.execPath, [join(root, 'bin', 'outpost.mjs'), 'serve', ...process.argv.slice(2)]);
}
