import type { ParseArgsConfig } from 'node:util';
import type { AaaContext } from '../access/context';
import { openAaaForCli } from './open-access';
import { orgIdOf, type Actor } from '../access/users';
import { commonOptions, dataDirOf, parse } from './args';
import { createOutput, UsageError, type Output } from './output';

export const orgOption = { org: { type: 'string' } } as const;

/** The local CLI acts as the machine's owner: whoever can read the keychain owns the hub. */
export const cliActor: Actor & { userId: null } = { subject: 'cli', address: 'cli', role: null, userId: null };

export interface AaaRun {
  ctx: AaaContext;
  out: Output;
  orgId: number;
  positionals: string[];
}

/**
 * Shared frame of the user/group/app/apikey/audit commands: parse, open the
 * store, run one action, explain any failure, close.
 */
export async function runAaaCommand<O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
  help: string,
  action: (run: AaaRun, values: Record<string, string | boolean | string[] | undefined>) => Promise<number> | number,
): Promise<number> {
  const { values, positionals } = parse(argv, { ...commonOptions, ...orgOption, ...options }, true);
  const all = values as Record<string, string | boolean | string[] | undefined>;
  const out = createOutput(Boolean(all.json));
  if (all.help) {
    out.line(help);
    return 0;
  }
  let store: Awaited<ReturnType<typeof openAaaForCli>> | undefined;
  try {
    store = await openAaaForCli(dataDirOf(values as { 'data-dir'?: string }), all['key-file'] as string | undefined);
    const orgId = orgIdOf(store.ctx, (all.org as string | undefined) ?? 'default');
    return await action({ ctx: store.ctx, out, orgId, positionals }, all);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    return out.fail(err);
  } finally {
    store?.close();
  }
}

export function list(value: string | boolean | string[] | undefined): string[] {
  return typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

export function positional(run: AaaRun, index: number, what: string): string {
  const value = run.positionals[index];
  if (!value) throw new UsageError(`${what} is missing.`);
  return value;
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
