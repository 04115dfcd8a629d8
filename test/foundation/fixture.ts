import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, startServe, type CliResult } from '../helpers/cli';

/** Every listener on port 0, so tests never collide with each other or a real hub. */
export const freePorts = ['--console-port', '0', '--https-port', '0', '--mqtts-port', '0'];

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Hashes of the files a failed start must leave untouched. */
export function snapshot(dataDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['outpost.db', 'hub.json']) {
    const file = join(dataDir, name);
    if (existsSync(file)) out[name] = sha256File(file);
  }
  return out;
}

/** Starts a hub once (so the data directory is initialised) and stops it cleanly. */
export async function initialiseHub(args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const serve = await startServe(args, env ? { env } : {});
  const stopped = await serve.stop();
  assert.equal(stopped.code, 0, `exit ${stopped.code} signal ${serve.child.signalCode}: ${serve.stderr()}`);
  return serve.ready.hubId;
}

/** Writes a key file of 64 hex digits with the given mode. */
export function writeKeyFile(file: string, mode = 0o600, content = `${randomBytes(32).toString('hex')}\n`): string {
  writeFileSync(file, content, { mode });
  return file;
}

export interface ErrorEvent {
  event: 'error';
  code: string;
  message: string;
  hint: string;
}

/**
 * Runs `outpost serve --json` expecting it to refuse to start, and checks the
 * refusal: non-zero exit, the error code in the JSON event, and a human message
 * on stderr whose "what to do" line matches `fix`.
 */
export async function expectServeFailure(
  args: string[],
  code: string | readonly string[],
  fix: RegExp,
  env?: NodeJS.ProcessEnv,
): Promise<{ result: CliResult; error: ErrorEvent }> {
  const result = await runCli(['serve', '--json', '--log-level', 'silent', ...freePorts, ...args], { ...(env ? { env } : {}), timeoutMs: 60_000 });
  assert.notEqual(result.code, 0, `serve should fail: ${result.stdout}\n${result.stderr}`);
  const events = result.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const error = events.find((e) => e.event === 'error') as ErrorEvent | undefined;
  assert.ok(error, `no error event in: ${result.stdout}`);
  const codes = typeof code === 'string' ? [code] : code;
  assert.ok(codes.includes(error.code), `expected ${codes.join('|')}, got ${error.code}: ${error.message}`);
  assert.ok(!events.some((e) => e.event === 'ready'), 'a failed start never reports ready');
  assert.match(result.stderr, new RegExp(`error \\[${error.code}\\]: `));
  const whatToDo = /what to do: (.*)/.exec(result.stderr)?.[1] ?? '';
  assert.match(whatToDo, fix, `the hint names the fix: ${result.stderr}`);
  return { result, error };
}

/** In-process hub options: console only, on a free loopback port, quiet. */
export function quietHubConfig(dataDir: string) {
  return { dataDir, ports: { console: 0, https: null, mqtts: null }, logLevel: 'silent' as const };
}
