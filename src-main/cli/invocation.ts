import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { packageRoot } from '../paths';

/** Where a printed command must point: the hub's data directory and, when it has one, its key file. */
export interface CliTarget {
  dataDir: string;
  keyFile?: string | undefined;
}

/** POSIX shell quoting, only where needed, so a printed command pastes as it is. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  if (process.platform === 'win32') return `"${word.replace(/"/g, '""')}"`;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * How to run the CLI from where the user is: `npx outpost` inside a source
 * checkout (npm finds the package's own bin), the launcher by its full path
 * from elsewhere, plain `outpost` for an installed package.
 */
export function cliPrefix(cwd: string = process.cwd()): string {
  let root: string;
  try {
    root = packageRoot();
  } catch {
    return 'outpost';
  }
  const launcher = join(root, 'scripts', 'outpost.mjs');
  if (!existsSync(join(root, 'src-main')) || !existsSync(launcher)) return 'outpost';
  const inside = relative(root, cwd);
  if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) return 'npx outpost';
  return `node ${shellQuote(launcher)}`;
}

/** A CLI command that works as printed: the prefix, the arguments, then the running hub's --data-dir and --key-file. */
export function cliCommand(args: readonly string[], target: CliTarget, cwd?: string): string {
  // Absolute paths: the command keeps working after a `cd`.
  const words = [...args, '--data-dir', resolve(target.dataDir), ...(target.keyFile ? ['--key-file', resolve(target.keyFile)] : [])];
  return [cliPrefix(cwd), ...words.map(shellQuote)].join(' ');
}
