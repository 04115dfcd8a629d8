import type { ApiError, StartupErrorCode } from '../src-shared/errors';

/**
 * A failure the hub can explain: `message` says what happened, `hint` what to
 * do about it. Neither may contain a secret.
 */
export class HubError extends Error {
  readonly code: StartupErrorCode;
  readonly hint: string;

  constructor(code: StartupErrorCode, message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HubError';
    this.code = code;
    this.hint = hint;
  }

  toJSON(): ApiError & { hint: string } {
    return { code: this.code, message: this.message, hint: this.hint };
  }
}

export function isHubError(err: unknown): err is HubError {
  return err instanceof HubError;
}

/** Errors from node and native modules carry a string `code`. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A refused request (unknown device, duplicate label, ...): crosses IPC and
 * HTTPS as `{ code, message }` with `status` as the HTTP status.
 */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}
