#!/usr/bin/env node
// The one test command (README, CI). Tests that touch the OS keychain need a
// Secret Service: when no session bus is present, this re-runs itself inside a
// private `dbus-run-session` with an unlocked gnome-keyring whose files live in
// a temporary folder, so tests never touch the user's own keyring.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

if (!process.env.DBUS_SESSION_BUS_ADDRESS && !process.env.OUTPOST_TEST_SESSION) {
  if (!have('dbus-run-session') || !have('gnome-keyring-daemon')) {
    console.error('Tests need a Secret Service keychain. Install it with: sudo apt-get install dbus gnome-keyring');
    process.exit(1);
  }
  const home = mkdtempSync(join(tmpdir(), 'outpost-keyring-'));
  const inner = [
    'set -e',
    'mkdir -p "$XDG_DATA_HOME/keyrings"',
    // The daemon prints the variables its clients need. It creates a fresh login
    // keyring only for a non-empty password; this one guards a throwaway keyring.
    'eval "$(printf outpost-test | gnome-keyring-daemon --unlock --components=secrets)"',
    'export GNOME_KEYRING_CONTROL',
    'exec node "$0" "$@"',
  ].join('\n');
  const child = spawn('dbus-run-session', ['--', 'sh', '-c', inner, join(root, 'scripts/test.mjs'), ...args], {
    stdio: 'inherit',
    env: { ...process.env, OUTPOST_TEST_SESSION: '1', XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config') },
  });
  child.on('exit', (code, signal) => {
    rmSync(home, { recursive: true, force: true });
    process.exit(signal ? 1 : (code ?? 1));
  });
} else {
  const wanted = args.filter((a) => !a.startsWith('-'));
  const flags = args.filter((a) => a.startsWith('-'));
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.test.ts')) files.push(relative(root, path));
    }
  };
  walk(join(root, 'test'));
  const selected = wanted.length ? files.filter((f) => wanted.some((w) => f.includes(w))) : files;
  if (selected.length === 0) {
    console.error(`No test file matches ${wanted.join(' ')}.`);
    process.exit(1);
  }
  // The console tests load the built UI: build it first so `npm test` alone is enough.
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) {
    console.error('npm run build failed; fix the build before running the tests.');
    process.exit(1);
  }
  const child = spawn(
    process.execPath,
    // 10 min per file: the browser stories take two on a busy 2-core machine; a hang still ends the run.
    ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', ...flags, ...selected],
    { stdio: 'inherit', cwd: root, env: { ...process.env } },
  );
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
}
