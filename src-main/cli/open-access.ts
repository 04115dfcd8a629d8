import { prepareDataDir } from '../lifecycle/data-dir';
import { deriveKey } from '../security/derive';
import { readIdentity } from '../security/hub-identity';
import { resolveMasterKey } from '../security/master-key';
import { OsKeychain } from '../security/secret-store';
import { openStore } from './open-store';
import { createAaaContext, type AaaContext } from '../access/context';

/**
 * Opens the hub's store for a user/group/app/apikey/audit command, next to a
 * running `outpost serve` if there is one. The hub reads credential rows on
 * every request, so what the CLI writes applies at once.
 */
export async function openAaaForCli(dataDir: string, keyFile: string | undefined): Promise<{ ctx: AaaContext; close(): void }> {
  // A fresh directory gets its master key here, so the first owner can be added before the first start.
  if (!readIdentity(prepareDataDir(dataDir))) (await resolveMasterKey({ dataDir, keyFile, secretStore: new OsKeychain() })).key.fill(0);
  const store = await openStore(dataDir, keyFile);
  const derive = (purpose: 'token-signing' | 'audit-chain' | 'totp-secrets') => deriveKey(store.masterKey, store.identity.hubId, purpose);
  const keys = { tokenSigning: derive('token-signing'), audit: derive('audit-chain'), totp: derive('totp-secrets') };
  store.masterKey.fill(0);
  return {
    ctx: createAaaContext(store.db, store.identity.hubId, keys),
    close: () => {
      for (const k of Object.values(keys)) k.fill(0);
      store.close();
    },
  };
}
