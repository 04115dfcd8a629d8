import { randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { HubError, errorCode, errorMessage } from '../errors';
import { keyCheckValue } from './derive';
import { newHubId, readIdentity, writeIdentity, type HubIdentity } from './hub-identity';
import { keychainUnavailableHint, type SecretStore } from './secret-store';

export const masterKeyBytes = 32;

export interface MasterKeyOptions {
  dataDir: string;
  keyFile?: string | undefined;
  secretStore: SecretStore;
}

export interface ResolvedMasterKey {
  key: Buffer;
  identity: HubIdentity;
  created: boolean;
}

export function keychainAccount(hubId: string): string {
  return `hub-${hubId}`;
}

/**
 * Finds the master key for a data directory, creating it on first run. Never
 * invents a new key for a directory that already has data: that would make the
 * data unreadable.
 */
export async function resolveMasterKey(options: MasterKeyOptions): Promise<ResolvedMasterKey> {
  const existing = readIdentity(options.dataDir);
  if (!existing) return createMasterKey(options);

  const key = options.keyFile
    ? readKeyFile(options.keyFile, existing)
    : await readKeychainKey(options.secretStore, existing);
  const expected = Buffer.from(existing.keyCheck, 'hex');
  const actual = Buffer.from(keyCheckValue(key, existing.hubId), 'hex');
  if (!timingSafeEqual(expected, actual)) {
    const source = options.keyFile ? `the key file ${options.keyFile}` : 'the OS keychain';
    throw new HubError(
      'KEY_MISMATCH',
      `The master key from ${source} is not the key this data directory was created with (it was created with ${
        existing.keySource === 'key-file' ? 'a key file' : 'the OS keychain'
      }).`,
      existing.keySource === 'key-file'
        ? 'Pass --key-file with the key file this hub was first started with. The data has not been touched.'
        : 'Start without --key-file, as the same OS user, so the hub reads its key from the keychain. The data has not been touched.',
    );
  }
  return { key, identity: existing, created: false };
}

async function createMasterKey(options: MasterKeyOptions): Promise<ResolvedMasterKey> {
  const hubId = newHubId();
  let key: Buffer;
  if (options.keyFile) {
    key = existsSync(options.keyFile) ? readKeyFile(options.keyFile, null) : createKeyFile(options.keyFile);
  } else {
    key = randomBytes(masterKeyBytes);
    await options.secretStore.set(keychainAccount(hubId), key.toString('base64'));
    // Read back: some keychains accept a write they cannot keep (no default collection).
    const stored = await options.secretStore.get(keychainAccount(hubId));
    if (stored !== key.toString('base64')) {
      throw new HubError(
        'KEYCHAIN_UNAVAILABLE',
        'The OS keychain accepted the master key but does not return it.',
        keychainUnavailableHint,
      );
    }
  }
  const identity: HubIdentity = {
    format: 1,
    hubId,
    createdAt: new Date().toISOString(),
    keySource: options.keyFile ? 'key-file' : 'keychain',
    keyCheck: keyCheckValue(key, hubId),
  };
  writeIdentity(options.dataDir, identity);
  return { key, identity, created: true };
}

async function readKeychainKey(store: SecretStore, identity: HubIdentity): Promise<Buffer> {
  if (identity.keySource === 'key-file') {
    throw new HubError(
      'MASTER_KEY_MISSING',
      'This data directory was created with a key file, and no --key-file was given.',
      'Start again with --key-file and the path of that key file.',
    );
  }
  const stored = await store.get(keychainAccount(identity.hubId));
  if (stored === null) {
    throw new HubError(
      'MASTER_KEY_MISSING',
      `The master key of this hub (keychain entry "${keychainAccount(identity.hubId)}") is not in the OS keychain, or the keychain cannot be reached.`,
      'Log in as the user who created this hub and unlock the keychain. If the entry was deleted, restore it from a backup; ' +
        'without it the data cannot be read. The data has not been touched.',
    );
  }
  const key = Buffer.from(stored, 'base64');
  if (key.length !== masterKeyBytes) {
    throw new HubError(
      'KEY_FILE_INVALID',
      `The keychain entry "${keychainAccount(identity.hubId)}" does not hold a ${masterKeyBytes}-byte key.`,
      'Restore the entry from a backup. The data has not been touched.',
    );
  }
  return key;
}

export function readKeyFile(file: string, identity: HubIdentity | null): Buffer {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (err) {
    if (errorCode(err) === 'ENOENT') {
      throw new HubError(
        'KEY_FILE_INVALID',
        `The key file ${file} does not exist, but this data directory already holds data${
          identity?.keySource === 'keychain' ? ' keyed from the OS keychain' : ''
        }.`,
        identity?.keySource === 'keychain'
          ? 'Start without --key-file so the hub uses the keychain.'
          : 'Pass the key file this hub was first started with. The data has not been touched.',
      );
    }
    throw new HubError('KEY_FILE_INVALID', `Cannot read the key file ${file}: ${errorMessage(err)}.`, 'Check the path and its permissions.');
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new HubError(
      'KEY_FILE_INSECURE',
      `The key file ${file} can be read by other users (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); it must be 0600.`,
      `Run: chmod 600 ${file}`,
    );
  }
  const text = readFileSync(file, 'utf8').trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.alloc(0);
  if (key.length !== masterKeyBytes) {
    throw new HubError(
      'KEY_FILE_INVALID',
      `The key file ${file} does not hold a ${masterKeyBytes}-byte key written as 64 hexadecimal digits.`,
      'Point --key-file at the key file Outpost created, or at a path that does not exist yet to create a new one for a new data directory.',
    );
  }
  return key;
}

function createKeyFile(file: string): Buffer {
  const key = randomBytes(masterKeyBytes);
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (err) {
    throw new HubError('KEY_FILE_INVALID', `Cannot create the key file ${file}: ${errorMessage(err)}.`, 'Choose a path in a directory you can write to.');
  }
  try {
    writeSync(fd, `${key.toString('hex')}\n`);
  } finally {
    closeSync(fd);
  }
  return key;
}
