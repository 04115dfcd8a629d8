import { databasePath, prepareDataDir } from '../lifecycle/data-dir';
import { deriveKey } from '../security/derive';
import { resolveMasterKey } from '../security/master-key';
import { OsKeychain } from '../security/secret-store';
import { openDatabase } from '../store/database';
import { migrate } from '../store/migrations';
import { createAaaContext, type AaaContext } from './context';

/**
 * Opens the hub's encrypted database from a CLI process, next to a running
 * `outpost serve` if there is one (WAL lets both write; each write is one short
 * transaction). The hub reads credential rows on every request, so what the CLI
 * writes applies at once.
 */
export async function openAaaForCli(dataDir: string, keyFile: string | undefined): Promise<{ ctx: AaaContext; close(): void }> {
  // On a fresh directory this creates the master key, so the first owner can be added before the first start.
  dataDir = prepareDataDir(dataDir);
  const { key, identity } = await resolveMasterKey({ dataDir, keyFile, secretStore: new OsKeychain() });
  const db = openDatabase({ file: databasePath(dataDir), key: deriveKey(key, identity.hubId, 'database') });
  migrate(db);
  const keys = {
    tokenSigning: deriveKey(key, identity.hubId, 'token-signing'),
    audit: deriveKey(key, identity.hubId, 'audit-chain'),
    totp: deriveKey(key, identity.hubId, 'totp-secrets'),
  };
  key.fill(0);
  return {
    ctx: createAaaContext(db, identity.hubId, keys),
    close: () => {
      for (const k of Object.values(keys)) k.fill(0);
      db.close();
    },
  };
}
