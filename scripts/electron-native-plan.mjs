// How scripts/electron-native.mjs gets the database addon for Electron, as
// plain functions (tested under Node in test/desktop/electron-native.test.ts).
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Pinned so a first start never runs whatever version was published that morning. */
export const prebuildInstallVersion = '7.1.3';
export const nodeGypVersion = '13.1.0';

/**
 * The commands to try, in order, inside a copy of the addon's package folder:
 * first the prebuilt binary its maintainers publish for this Electron
 * (prebuild-install downloads it from the project's GitHub releases, no
 * compiler needed), then a compile with node-gyp as the fallback.
 */
export function nativeAddonSteps({ electronVersion, platform, arch }) {
  return [
    {
      name: 'download',
      command: 'npx',
      args: ['--yes', `prebuild-install@${prebuildInstallVersion}`, '--runtime', 'electron', '--target', electronVersion, '--platform', platform, '--arch', arch, '--verbose'],
    },
    {
      name: 'compile',
      command: 'npx',
      // An empty nodedir for npm itself: Debian's npm sets `nodedir = /usr` in its built-in config and passes it to
      // node-gyp, which then compiles against Node's headers (an addon Electron refuses); an environment variable
      // does not override it, this flag does. Without a nodedir node-gyp fetches Electron's headers from --dist-url.
      args: ['--yes', '--nodedir=', `node-gyp@${nodeGypVersion}`, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', `--arch=${arch}`, '--dist-url=https://electronjs.org/headers'],
    },
  ];
}

/** What node-gyp needs on each platform, and how to get it. */
const toolchains = {
  linux: { tools: ['python3', 'make', 'g++'], install: 'sudo apt-get install python3 make g++ (Debian/Ubuntu)' },
  darwin: { tools: ['python3', 'make', 'clang++'], install: 'xcode-select --install' },
  win32: { tools: ['python'], install: 'Visual Studio Build Tools with "Desktop development with C++", and Python 3 from python.org' },
};

function onPath(tool, pathEnv, platform) {
  const names = platform === 'win32' ? [`${tool}.exe`, `${tool}.cmd`] : [tool];
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return true;
      } catch {
        // not in this folder
      }
    }
  }
  return false;
}

/** The compile tools that are not on PATH (Windows' C++ compiler is found by node-gyp itself, not on PATH). */
export function missingTools(platform, pathEnv) {
  const chain = toolchains[platform] ?? toolchains.linux;
  return chain.tools.filter((tool) => !onPath(tool, pathEnv, platform));
}

/** The message when neither a prebuilt addon nor a compile worked: what failed, what is missing, what to do. */
export function nativeFailureMessage({ electronVersion, platform, missing }) {
  const chain = toolchains[platform] ?? toolchains.linux;
  const lines = [
    `The database module for Electron ${electronVersion} could not be set up.`,
    `- No prebuilt copy could be downloaded for ${platform} (no internet access, or none published for this Electron version).`,
    missing.length > 0
      ? `- Compiling it needs ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed. Install: ${chain.install}.`
      : '- Compiling it failed (see the node-gyp output above).',
    'Then run `npm start` again. Meanwhile the hub runs headless and its console opens in a browser.',
  ];
  return lines.join('\n');
}
