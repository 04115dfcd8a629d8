import { createHmac, hkdfSync } from 'node:crypto';

/**
 * Every key the hub uses is derived from the one master key, each for one
 * purpose, so that no two uses share key material.
 */
export type KeyPurpose = 'database' | 'tls-private-keys' | 'token-signing' | 'key-check' | 'audit-chain' | 'totp-secrets' | 'sync-credentials' | 'backup-manifest' | 'alarm-secrets';

export function deriveKey(masterKey: Buffer, hubId: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.from(hubId, 'utf8'), `outpost/${purpose}/v1`, 32));
}

export function keyCheckValue(masterKey: Buffer, hubId: string): string {
  return createHmac('sha256', deriveKey(masterKey, hubId, 'key-check')).update('outpost key check').digest('hex');
}
