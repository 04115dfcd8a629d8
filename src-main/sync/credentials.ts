import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HubError, errorMessage } from '../errors';
import type { HubIdentity } from '../security/hub-identity';
import type { SecretStore } from '../security/secret-store';
import { readSealedFile, writeSealedFile } from '../security/tls/sealed-file';

/**
 * Where the upstream password lives: the OS keychain next to the master key,
 * or, on a hub run with --key-file (no keychain), a file sealed under a key
 * derived from the master key. Never the database in clear.
 */
export interface CredentialPlace {
  dataDir: string;
  identity: HubIdentity;
  secretStore: SecretStore;
  /** The 'sync-credentials' key derived from the master key. */
  sealKey: () => Buffer;
}

const sealedLabel = 'sync/password';

export function syncKeychainAccount(hubId: string): string {
  return `sync-${hubId}`;
}

function sealedFile(dataDir: string): string {
  return join(dataDir, 'sync-credentials.sealed');
}

export async function saveSyncPassword(place: CredentialPlace, password: string): Promise<void> {
  if (place.identity.keySource === 'key-file') {
    writeSealedFile(sealedFile(place.dataDir), Buffer.from(password, 'utf8'), place.sealKey(), sealedLabel);
    return;
  }
  await place.secretStore.set(syncKeychainAccount(place.identity.hubId), password);
}

export async function loadSyncPassword(place: CredentialPlace): Promise<string | null> {
  if (place.identity.keySource === 'key-file') {
    const file = sealedFile(place.dataDir);
    if (!existsSync(file)) return null;
    try {
      return readSealedFile(file, place.sealKey(), sealedLabel).toString('utf8');
    } catch (err) {
      throw new HubError('KEY_MISMATCH', `The sealed sync password ${file} cannot be opened: ${errorMessage(err)}.`, 'Set the password again: outpost sync set --password-stdin');
    }
  }
  return place.secretStore.get(syncKeychainAccount(place.identity.hubId));
}
