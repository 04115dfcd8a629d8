import { isHubError, ServiceError } from '../errors';
import { scrubSecrets } from '../logging/logger';

export interface Output {
  json: boolean;
  /** One event: a JSON line in --json mode, a human line otherwise. */
  event(name: string, fields: Record<string, unknown>, human: string): void;
  line(text: string): void;
  fail(err: unknown): number;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    event(name, fields, human) {
      if (json) process.stdout.write(`${JSON.stringify({ event: name, ...fields })}\n`);
      else process.stdout.write(`${human}\n`);
    },
    line(text) {
      process.stdout.write(`${text}\n`);
    },
    fail(err) {
      const e = isHubError(err)
        ? { code: err.code, message: err.message, hint: err.hint }
        : isExplained(err)
          ? { code: err.code, message: err.bareMessage, hint: err.hint }
          : err instanceof ServiceError
          ? { code: err.code, message: err.message, hint: hintOf(err) ?? 'Run the command with --help for its usage.' }
          : { code: 'UNEXPECTED', message: scrubSecrets(err instanceof Error ? err.message : String(err)), hint: 'This is a bug in Outpost; the log has details.' };
      if (json) process.stdout.write(`${JSON.stringify({ event: 'error', ...e })}\n`);
      process.stderr.write(`outpost: error [${e.code}]: ${e.message}\n  what to do: ${e.hint}\n`);
      return 1;
    },
  };
}

export class UsageError extends Error {}

function hintOf(err: unknown): string | undefined {
  const hint = (err as { hint?: unknown }).hint;
  return typeof hint === 'string' ? hint : undefined;
}

/** Errors from services that say what to do (AccessError) without being startup errors. */
function isExplained(err: unknown): err is { code: string; bareMessage: string; hint: string } {
  const e = err as { code?: unknown; bareMessage?: unknown; hint?: unknown } | null;
  return typeof e === 'object' && e !== null && typeof e.code === 'string' && typeof e.bareMessage === 'string' && typeof e.hint === 'string';
}
