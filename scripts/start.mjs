#!/usr/bin/env node
// `npm start`: the desktop window when Electron is installed; otherwise the
// headless hub with the same console in a browser.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const electronDir = join(root, 'node_modules', 'electron');

/** The binary's path without require('electron'), which would try to download it. */
function electronBinary() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
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
  const install = join(electronDir, 'install.js');
  if (existsSync(install)) {
    console.log('Fetching the Electron binary (first start)…');
    spawnSync(process.execPath, [install], { stdio: 'ignore', cwd: root, timeout: 180_000 });
  }
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
  run(process.execPath, [join(root, 'scripts', 'outpost.mjs'), 'serve', ...process.argv.slice(2)]);
}
