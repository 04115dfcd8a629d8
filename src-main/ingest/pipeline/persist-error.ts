import { errorCode } from '../../errors';

/** A batch could not be committed: nothing in it was stored, so nothing may be acknowledged. */
export class PersistError extends Error {
  constructor(
    readonly code: 'STORAGE_FULL' | 'STORAGE_FAILED' | 'OVERLOADED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function toPersistError(err: unknown): PersistError {
  const code = errorCode(err);
  if (code === 'SQLITE_FULL') {
    return new PersistError('STORAGE_FULL', 'The hub cannot store readings: its disk is full. Nothing from this message was stored; free disk space on the hub and send again.', { cause: err });
  }
  return new PersistError('STORAGE_FAILED', 'The hub could not store this message; nothing from it was stored. Send it again; the hub log has details.', { cause: err });
}
