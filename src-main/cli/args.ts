import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createOutput, UsageError } from './output';
import { defaultDataDir } from './default-data-dir';

export const commonOptions = {
  'data-dir': { type: 'string' },
  'key-file': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

/** The options of every command that acts in one organisation through the API. */
export const apiOptions = { ...commonOptions, org: { type: 'string' } } as const satisfies ParseArgsConfig['options'];

/** A comma-separated list option (`--devices a,b`). */
export function listOption(value: string | boolean | string[] | undefined): string[] {
  return typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/**
 * The frame of a command with subcommands: parse, pick the output mode, and
 * answer --help (or a missing subcommand) with the help text. `exit` is set
 * when the command is done.
 */
export function parseCommand<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, help: string) {
  const { values, positionals } = parse(argv, options, true);
  const flags = values as { json?: boolean; help?: boolean };
  const out = createOutput(Boolean(flags.json));
  const exit = flags.help || positionals.length === 0 ? (out.line(help), flags.help ? 0 : 2) : undefined;
  return { values, positionals, out, exit };
}

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function dataDirOf(values: { 'data-dir'?: string | undefined }): string {
  return values['data-dir'] ?? defaultDataDir();
}

export function portOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag} must be a port number from 0 to 65535 (0 picks a free port); got "${value}".`);
  return n;
}

/** `--mqtt-port off` switches an optional listener off. */
export function optionalPortOption(value: string | undefined, flag: string): number | null | undefined {
  if (value === 'off') return null;
  return portOption(value, flag);
}

/** A positive number option (`min` excluded when 0: a duration must be more than nothing). */
export function numberOption(value: string | undefined, flag: string, o: { integer: boolean; min: number }): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const ok = value.trim() !== '' && Number.isFinite(n) && (o.integer ? Number.isInteger(n) : true) && (o.min === 0 ? n > 0 : n >= o.min);
  if (!ok) throw new UsageError(`${flag} must be ${o.integer ? 'a whole number' : 'a number'} ${o.min === 0 ? 'above 0' : `of at least ${o.min}`}; got "${value}".`);
  return n;
}
