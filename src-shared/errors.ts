/**
 * Error codes that cross process boundaries (IPC, HTTPS, CLI --json).
 * Errors travel as plain `{ code, message }` objects, never as class instances.
 */
export const startupErrorCodes = [
  'DATA_DIR_NOT_WRITABLE',
  'DATA_DIR_MISSING',
  'HUB_ALREADY_RUNNING',
  'CONFIG_INVALID',
  'KEYCHAIN_UNAVAILABLE',
  'MASTER_KEY_MISSING',
  'KEY_FILE_INSECURE',
  'KEY_FILE_INVALID',
  'KEY_MISMATCH',
  'DB_NEWER_VERSION',
  'DB_CORRUPT',
  'DB_LOCKED',
  'TLS_INVALID',
  'PORT_IN_USE',
  'LISTEN_FAILED',
  'BACKUP_INVALID',
  'RESTORE_TARGET_IN_USE',
] as const;

export type StartupErrorCode = (typeof startupErrorCodes)[number];

export interface ApiError {
  code: string;
  message: string;
}

export function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ApiError).code === 'string' &&
    typeof (value as ApiError).message === 'string'
  );
}
