import { ApiFailure } from '../console/registry';

/**
 * A refused or impossible access operation. The message says what happened and
 * what to do; it never contains a credential.
 */
export class AccessError extends ApiFailure {
  constructor(
    code: string,
    message: string,
    readonly hint: string,
    status = 400,
    headers: Record<string, string> = {},
  ) {
    super(code, `${message} ${hint}`, status, headers);
    this.bareMessage = message;
  }

  readonly bareMessage: string;
}

export const notFound = (what: string, hint = 'Check the name; list them to see what exists.') => new AccessError('NOT_FOUND', `${what} does not exist.`, hint, 404);
