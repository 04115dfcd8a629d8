import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../src-main/store/database';
import { databasePath } from '../../src-main/lifecycle/data-dir';
import { deriveKey } from '../../src-main/security/derive';
import { after } from 'node:test';
import { createHub, type Hub } from '../../src-main/hub';
import { createLogger } from '../../src-main/logging/logger';
import type { HubConfigInput } from '../../src-shared/config';
import { tempDir } from './tmp';

/**
 * A real hub in this process on a fresh data dir: key file master key (the
 * keychain has its own tests), every listener on 127.0.0.1 port 0.
 */
export async function startTestHub(overrides: Partial<HubConfigInput> = {}): Promise<Hub> {
  const dataDir = overrides.dataDir ?? tempDir();
  const hub = await createHub(
    {
      dataDir,
      keyFile: join(dataDir, '..', `${dataDir.split('/').pop()}.key`),
      host: '127.0.0.1',
      ports: { console: 0, https: null, mqtts: null },
      ...overrides,
    },
    { logger: createLogger({ level: process.env.OUTPOST_TEST_LOG ?? 'silent' }) },
  );
  after(() => hub.stop());
  return hub;
}

/** The master key of a test hub (it runs on a key file). */
export function testHubMasterKey(hub: Hub): Buffer {
  return Buffer.from(readFileSync(hub.config.keyFile!, 'utf8').trim(), 'hex');
}

/** A second connection to a test hub's database, as another process (the CLI) would open it. */
export function openSecondConnection(hub: Hub, options: { readonly?: boolean } = {}): Db {
  const db = openDatabase({ file: databasePath(hub.config.dataDir), key: deriveKey(testHubMasterKey(hub), hub.identity.hubId, 'database'), readonly: options.readonly ?? true });
  after(() => db.close());
  return db;
}
