import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join, matchesGlob } from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { missingTools, nativeAddonSteps, nativeFailureMessage, nodeGypVersion, prebuildInstallVersion } from '../../scripts/electron-native-plan.mjs';
import { tempDir } from '../helpers/tmp';

const root = join(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;

/**
 * The electron-builder options Outpost uses, written from electron-builder's
 * documented configuration (Common Configuration; LinuxConfiguration,
 * WindowsConfiguration, NsisOptions, MacConfiguration). `.strict()` refuses a
 * misspelt key, which electron-builder itself would only warn about at
 * packaging time, on another machine.
 */
const target = (names: readonly [string, ...string[]]) => z.array(z.enum(names)).min(1);
const builderSchema = z
  .object({
    appId: z.string().regex(/^[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)+$/, 'reverse-DNS, as macOS bundle ids and Windows AppUserModelIDs need'),
    productName: z.string().min(1),
    directories: z.object({ output: z.string().min(1), buildResources: z.string().min(1) }).strict(),
    files: z.array(z.string().min(1)).min(1),
    asarUnpack: z.array(z.string().min(1)).min(1),
    npmRebuild: z.boolean(),
    linux: z.object({ target: target(['AppImage', 'deb', 'rpm', 'snap', 'tar.gz']), category: z.string(), icon: z.string(), maintainer: z.string().min(1) }).strict(),
    win: z.object({ target: target(['nsis', 'portable', 'msi', 'zip']), icon: z.string() }).strict(),
    nsis: z.object({ oneClick: z.boolean(), perMachine: z.boolean() }).strict(),
    mac: z.object({ target: target(['dmg', 'zip', 'pkg']), category: z.string().startsWith('public.app-category.') }).strict(),
  })
  .strict();

test('packaging: the electron-builder configuration is valid and names AppImage, deb, NSIS and dmg; `npm run dist` pins electron-builder and nothing installs it', () => {
  const build = builderSchema.parse(manifest.build);
  assert.deepEqual(build.linux.target, ['AppImage', 'deb']);
  assert.deepEqual(build.win.target, ['nsis']);
  assert.deepEqual(build.mac.target, ['dmg']);
  assert.equal(build.productName, 'Outpost');
  // Build output goes where .gitignore already keeps it out of commits.
  assert.match(readFileSync(join(root, '.gitignore'), 'utf8'), new RegExp(`^${build.directories.output}/$`, 'm'));
  for (const icon of [build.linux.icon, build.win.icon]) assert.ok(existsSync(join(root, icon)), icon);

  // The built app (electron-vite's out/, the package's "main") is packaged; the dev-time Electron copy of the addon is not (npmRebuild makes one per target).
  const main = String(manifest.main);
  assert.ok(build.files.some((f) => !f.startsWith('!') && matchesGlob(main, f)), `files must include ${main}`);
  assert.ok(build.files.some((f) => f.startsWith('!') && matchesGlob('node_modules/.outpost-electron/better_sqlite3.node', f.slice(1))));
  assert.equal(build.npmRebuild, true);
  // A native addon cannot load from inside the asar archive: the database addon's real file is unpacked.
  const addon = 'node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node';
  assert.ok(existsSync(join(root, addon)), 'the addon is where the pattern expects it');
  assert.ok(build.asarUnpack.some((p) => matchesGlob(addon, p)));

  const scripts = manifest.scripts as Record<string, string>;
  assert.match(scripts.dist ?? '', /^npm run build && npx --yes electron-builder@\d+\.\d+\.\d+ --publish never$/, 'a pinned version, never published anywhere');
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    assert.equal((manifest[field] as Record<string, string> | undefined)?.['electron-builder'], undefined, `electron-builder in ${field} would download its binaries on every npm ci`);
  }
  // electron-builder reads the Electron version from an exact devDependency.
  assert.match((manifest.devDependencies as Record<string, string>).electron ?? '', /^\d+\.\d+\.\d+$/);
});

test('Electron addon: the published prebuilt binary for this Electron first, node-gyp only as the fallback, both pinned', () => {
  const steps = nativeAddonSteps({ electronVersion: '45.4.1', platform: 'linux', arch: 'x64' });
  assert.deepEqual(
    steps.map((s) => [s.name, s.command, ...s.args]),
    [
      ['download', 'npx', '--yes', `prebuild-install@${prebuildInstallVersion}`, '--runtime', 'electron', '--target', '45.4.1', '--platform', 'linux', '--arch', 'x64', '--verbose'],
      ['compile', 'npx', '--yes', '--nodedir=', `node-gyp@${nodeGypVersion}`, 'rebuild', '--release', '--target=45.4.1', '--runtime=electron', '--arch=x64', '--dist-url=https://electronjs.org/headers'],
    ],
  );
  // The pinned prebuild-install is the one the addon itself installs with, so npx finds it in node_modules and downloads nothing.
  assert.equal(JSON.parse(readFileSync(join(root, 'node_modules', 'prebuild-install', 'package.json'), 'utf8')).version, prebuildInstallVersion);
  assert.deepEqual(nativeAddonSteps({ electronVersion: '45.4.1', platform: 'win32', arch: 'arm64' })[0]?.args.slice(-5), ['--platform', 'win32', '--arch', 'arm64', '--verbose']);
});

test('Electron addon: the compile step clears npm’s nodedir, so node-gyp builds against Electron’s headers, not Node’s (Debian’s npm sets nodedir=/usr)', () => {
  const compile = nativeAddonSteps({ electronVersion: '45.4.1', platform: 'linux', arch: 'x64' })[1]!;
  // npm's own flags are the ones before the package spec; run npm with exactly those and ask what a child would see.
  const npmFlags = compile.args.slice(0, compile.args.findIndex((a) => a.startsWith('node-gyp@')));
  const seen = spawnSync(compile.command, [...npmFlags, '-c', 'node -p "JSON.stringify(process.env.npm_config_nodedir ?? null)"'], { cwd: tempDir(), encoding: 'utf8', timeout: 60_000 });
  assert.equal(seen.status, 0, seen.stderr);
  const nodedir = JSON.parse(seen.stdout.trim()) as string | null;
  assert.ok(nodedir === null || nodedir === '', `node-gyp would see nodedir=${nodedir} (npm config: ${spawnSync('npm', ['config', 'get', 'nodedir'], { encoding: 'utf8' }).stdout.trim()})`);
});

test('Electron addon: when nothing works the message names the missing compile tools and how to install them', () => {
  // A PATH of real folders: one holding python3 and make, none holding a C++ compiler.
  const bin = join(tempDir(), 'bin');
  mkdirSync(bin);
  for (const tool of ['python3', 'make']) {
    writeFileSync(join(bin, tool), '#!/bin/sh\n');
    chmodSync(join(bin, tool), 0o755);
  }
  writeFileSync(join(bin, 'g++'), 'not executable');
  const path = [bin, join(bin, 'absent')].join(delimiter);
  assert.deepEqual(missingTools('linux', path), ['g++']);
  assert.deepEqual(missingTools('linux', ''), ['python3', 'make', 'g++']);
  assert.deepEqual(missingTools('darwin', path), ['clang++']);

  const message = nativeFailureMessage({ electronVersion: '45.4.1', platform: 'linux', missing: ['g++'] });
  assert.match(message, /Electron 45\.4\.1 could not be set up/);
  assert.match(message, /No prebuilt copy could be downloaded for linux/);
  assert.match(message, /needs g\+\+, which is not installed\. Install: sudo apt-get install python3 make g\+\+/);
  assert.match(message, /npm start/);
  assert.match(nativeFailureMessage({ electronVersion: '45.4.1', platform: 'win32', missing: ['python'] }), /Visual Studio Build Tools/);
  assert.match(nativeFailureMessage({ electronVersion: '45.4.1', platform: 'linux', missing: [] }), /Compiling it failed \(see the node-gyp output above\)/);
});
