import { AsyncEntry } from '@napi-rs/keyring';
import { HubError, errorMessage } from '../errors';

/** Where the master key lives: the OS keychain, reached through one small interface. */
export interface SecretStore {
  readonly description: string;
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

export const keychainService = 'Outpost';

/** A locked keychain may wait for a prompt nobody answers on a headless box. */
const keychainTimeoutMs = 15_000;

const unavailableHint =
  'Unlock your desktop keychain (GNOME Keyring / KWallet on Linux, Keychain on macOS, Credential Manager on Windows), ' +
  'or on a server without one run with --key-file FILE: a file only you can read (chmod 600), which Outpost creates on first run.';

export class OsKeychain implements SecretStore {
  readonly description = 'the OS keychain';

  constructor(private readonly service: string = keychainService) {}

  async get(account: string): Promise<string | null> {
    return this.call('read', (signal) => new AsyncEntry(this.service, account).getPassword(signal));
  }

  async set(account: string, value: string): Promise<void> {
    await this.call('write', (signal) => new AsyncEntry(this.service, account).setPassword(value, signal));
  }

  async delete(account: string): Promise<boolean> {
    return this.call('delete', (signal) => new AsyncEntry(this.service, account).deletePassword(signal));
  }

  private async call<T>(what: string, op: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = AbortSignal.timeout(keychainTimeoutMs);
    try {
      return await op(signal);
    } catch (err) {
      const reason = signal.aborted ? `no answer within ${keychainTimeoutMs / 1000} s` : errorMessage(err);
      throw new HubError(
        'KEYCHAIN_UNAVAILABLE',
        `Cannot ${what} the master key in the OS keychain: ${reason}.`,
        unavailableHint,
        { cause: err },
      );
    }
  }
}

export { unavailableHint as keychainUnavailableHint };
