import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { OsKeychain } from '../../src-main/security/secret-store';
import { keychainAccount } from '../../src-main/security/master-key';

/** Deletes the keychain entry of a test hub when the test file ends. */
export function forgetKeychainEntryAfter(dataDir: string): void {
  after(async () => {
    const file = join(dataDir, 'hub.json');
    if (!existsSync(file)) return;
    const { hubId, keySource } = JSON.parse(readFileSync(file, 'utf8')) as { hubId: string; keySource: string };
    if (keySource === 'keychain') await new OsKeychain().delete(keychainAccount(hubId)).catch(() => false);
  });
}
