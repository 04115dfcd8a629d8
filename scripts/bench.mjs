#!/usr/bin/env node
// `npm run bench -- <name> [args]` runs bench/<name>.ts under tsx.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const benchDir = join(root, 'bench');
const available = existsSync(benchDir) ? readdirSync(benchDir).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort() : [];
const [name, ...rest] = process.argv.slice(2);

if (!name || !available.includes(name)) {
  console.error(`${name ? `No benchmark named "${name}". ` : ''}Usage: npm run bench -- <name> [options]\nBenchmarks: ${available.join(', ') || '(none)'}`);
  process.exit(2);
}
const child = spawn(process.execPath, ['--import', 'tsx', join(benchDir, `${name}.ts`), ...rest], { stdio: 'inherit', cwd: root });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
