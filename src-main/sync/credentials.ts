import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
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

/** The upstream a password was given for: it is sent there and nowhere else. */
export interface Upstream {
  url: string;
  caPem: string;
}

/** Not secret: a digest naming the URL and CA together, stored with the password. */
function upstreamDigest(u: Upstream): string {
  return createHash('sha256').update(u.url).update('\0').update(u.caPem.trim()).digest('hex');
}

const boundPasswordSchema = z.object({ v: z.literal(1), password: z.string(), upstream: z.string() }).strict();

export type LoadedPassword = { kind: 'ok'; password: string } | { kind: 'missing' } | { kind: 'other-upstream' };

/**
 * Stores the password bound to the URL and CA it was given with. A change of
 * URL or CA that did not come with a new password (a race between the
 * keychain and the database, a crash between the two writes, an older CLI)
 * then finds a password for another upstream, which is not used.
 */
export async function saveSyncPassword(place: CredentialPlace, password: string, upstream: Upstream): Promise<void> {
  const stored = JSON.stringify({ v: 1, password, upstream: upstreamDigest(upstream) });
  if (place.identity.keySource === 'key-file') {
    writeSealedFile(sealedFile(place.dataDir), Buffer.from(stored, 'utf8'), place.sealKey(), sealedLabel);
    return;
  }
  await place.secretStore.set(syncKeychainAccount(place.identity.hubId), stored);
}

async function loadStored(place: CredentialPlace): Promise<string | null> {
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

/** The password for this upstream, if the one stored was given for it. */
export async function loadSyncPassword(place: CredentialPlace, upstream: Upstream): Promise<LoadedPassword> {
  const stored = await loadStored(place);
  if (stored === null) return { kind: 'missing' };
  let bound: z.infer<typeof boundPasswordSchema> | null = null;
  try {
    const parsed = boundPasswordSchema.safeParse(JSON.parse(stored));
    if (parsed.success) bound = parsed.data;
  } catch {
    // not JSON: stored by a version that did not bind passwords
  }
  // Stored by a version that did not bind passwords: it serves the upstream configured now; a new URL or CA needs a new password, stored bound.
  if (!bound) return { kind: 'ok', password: stored };
  return bound.upstream === upstreamDigest(upstream) ? { kind: 'ok', password: bound.password } : { kind: 'other-upstream' };
}
