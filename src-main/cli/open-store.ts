import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { HubError, ServiceError, isHubError } from '../errors';
import { cliCommand } from './invocation';
import { dataDirOf } from './args';
import type { Output } from './output';
import { databasePath } from '../lifecycle/data-dir';
import { deriveKey } from '../security/derive';
import { readIdentity, type HubIdentity } from '../security/hub-identity';
import { resolveMasterKey } from '../security/master-key';
import { OsKeychain } from '../security/secret-store';
import { openDatabase, type Db } from '../store/database';
import { migrate } from '../store/migrations';

export interface OpenStore {
  db: Db;
  identity: HubIdentity;
  masterKey: Buffer;
  close(): void;
}

/**
 * Opens an existing hub's database for a CLI command. Works while `outpost
 * serve` runs on the same data directory: SQLite WAL lets both write.
 */
export async function openStore(dataDir: string, keyFile: string | undefined): Promise<OpenStore> {
  const serveThere = cliCommand(['serve'], { dataDir, keyFile });
  // A mistyped or forgotten --data-dir must not quietly start a second, empty hub.
  if (!existsSync(dataDir)) {
    throw new HubError('DATA_DIR_MISSING', `The data directory ${resolve(dataDir)} does not exist; nothing was created.`, `Give the --data-dir of your hub (the running hub prints it when it starts), or start a new hub there: ${serveThere}`);
  }
  if (!readIdentity(dataDir)) {
    throw new HubError('CONFIG_INVALID', `${resolve(dataDir)} is not an Outpost data directory yet.`, `Start the hub once: ${serveThere}`);
  }
  const { key, identity } = await resolveMasterKey({ dataDir, keyFile, secretStore: new OsKeychain() });
  const db = openDatabase({ file: databasePath(dataDir), key: deriveKey(key, identity.hubId, 'database') });
  try {
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return { db, identity, masterKey: key, close: () => db.close() };
}

/**
 * Opens the store, runs one CLI action on it and closes it. Refusals (a
 * HubError or ServiceError) become the CLI's error output and exit code.
 */
export async function withStore(
  values: { 'data-dir'?: string | undefined; 'key-file'?: string | undefined },
  out: Output,
  action: (store: OpenStore) => number | Promise<number>,
): Promise<number> {
  let store: OpenStore;
  try {
    store = await openStore(dataDirOf(values), values['key-file']);
  } catch (err) {
    return out.fail(err);
  }
  try {
    return await action(store);
  } catch (err) {
    if (err instanceof ServiceError || isHubError(err)) return out.fail(err);
    throw err;
  } finally {
    store.close();
  }
}
