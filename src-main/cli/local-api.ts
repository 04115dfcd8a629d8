import { userInfo } from 'node:os';
import type { ApiInput, ApiMethod, ApiOutput, HubStatus } from '../../src-shared/api/contract';
import { createAccessContext } from '../access/context';
import type { CliPrincipal } from '../access/principal';
import { firstOrganisationId, organisationBySlug } from '../access/queries/organisations';
import { notFound } from '../access/errors';
import { recordingSender } from '../commands/recording-sender';
import { createApi } from '../console/api';
import { stewardshipServices } from '../console/stewardship';
import { ServiceError } from '../errors';
import { prepareDataDir } from '../lifecycle/data-dir';
import { packageVersion } from '../paths';
import { deriveKey } from '../security/derive';
import { readIdentity } from '../security/hub-identity';
import { resolveMasterKey } from '../security/master-key';
import { OsKeychain } from '../security/secret-store';
import type { Db } from '../store/database';
import { schemaVersion } from '../store/migrations';
import { storedSyncControl } from '../sync/handlers';
import { dataDirOf } from './args';
import { openStore, type OpenStore } from './open-store';
import type { Output } from './output';

/** A refusal from an API method, as the CLI shows it: code, what happened, what to do. */
export class ApiCallError extends ServiceError {
  constructor(
    code: string,
    message: string,
    status: number,
    readonly hint: string,
  ) {
    super(code, message, status);
  }
}

export interface LocalApi {
  /** Calls one contract method as the machine's owner (`cli:<os user>`): authorized and audited like the console. */
  call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>>;
  readonly orgId: number;
  readonly db: Db;
  readonly store: OpenStore;
}

export interface LocalApiOptions {
  'data-dir'?: string | undefined;
  'key-file'?: string | undefined;
  /** An organisation slug; the hub's first organisation when absent. */
  org?: string | undefined;
  /** `outpost backup --to FILE`: where `hub.backup` writes. */
  backupTo?: string | undefined;
  /** `outpost key export`: keep a copy of the master key for `hub.exportKey`. */
  exportKey?: boolean;
}

/** Who runs the CLI: the OS account, for the audit log. */
function osUser(): string {
  try {
    return userInfo().username.replace(/[^\w.-]/g, '_').slice(0, 64) || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The CLI's hub status: what it knows without the running hub (no listeners). */
function storedStatus(store: OpenStore): () => HubStatus {
  return () => ({
    version: packageVersion(),
    hubId: store.identity.hubId,
    startedAt: new Date().toISOString(),
    listeners: {},
    tls: { source: 'generated', caFingerprint: '', notAfter: '' },
    schemaVersion: schemaVersion(store.db),
    insecure: [],
  });
}

/**
 * Opens the hub's store and the same API the console uses, for one CLI
 * command. The CLI is a client of the same services, never a side door: each
 * write goes through the registry, which authorizes it and writes its audit row.
 * `create`: a data directory that does not exist yet gets its master key
 * (only `outpost user add`, which bootstraps the first owner, asks for this).
 */
export async function openLocalApi(options: LocalApiOptions, create = false): Promise<LocalApi & { close(): void }> {
  const dataDir = dataDirOf(options);
  if (create && !readIdentity(prepareDataDir(dataDir))) (await resolveMasterKey({ dataDir, keyFile: options['key-file'], secretStore: new OsKeychain() })).key.fill(0);
  const store = await openStore(dataDir, options['key-file']);
  const derive = (purpose: 'token-signing' | 'audit-chain' | 'totp-secrets' | 'alarm-secrets') => deriveKey(store.masterKey, store.identity.hubId, purpose);
  const keys = { tokenSigning: derive('token-signing'), audit: derive('audit-chain'), totp: derive('totp-secrets'), alarmSecrets: derive('alarm-secrets') };
  const syncSealKey = deriveKey(store.masterKey, store.identity.hubId, 'sync-credentials');
  const stewardship = stewardshipServices({
    db: store.db,
    dataDir,
    identity: store.identity,
    masterKey: store.masterKey,
    outpostVersion: packageVersion(),
    backupTo: options.backupTo,
    exportKey: options.exportKey ?? false,
  });
  store.masterKey.fill(0);
  const close = () => {
    for (const k of [...Object.values(keys), syncSealKey]) k.fill(0);
    stewardship.close();
    store.close();
  };
  try {
    const access = createAccessContext(store.db, store.identity.hubId, keys);
    const registry = createApi({
      access,
      commands: recordingSender(store.db),
      sync: storedSyncControl(store.db, { dataDir, identity: store.identity, secretStore: new OsKeychain(), sealKey: () => Buffer.from(syncSealKey) }),
      status: storedStatus(store),
      // The running hub notices this process's commits through its database watcher.
      changed: () => undefined,
      logger: null,
      stewardship,
    });
    const org = options.org === undefined ? firstOrganisationId(store.db) : organisationBySlug(store.db, options.org)?.id;
    if (org === undefined) throw notFound(`The organisation "${options.org}"`, 'Leave --org out for the hub’s first organisation; `outpost org list` names the others.');
    const principal: CliPrincipal = { kind: 'cli', osUser: osUser(), orgId: org };
    return {
      orgId: org,
      db: store.db,
      store,
      async call(method, input) {
        const result = await registry.call(method, input, { origin: 'cli', principal });
        if (result.ok) return result.value as never;
        const hint = result.hint ?? 'Run the command with --help for its usage.';
        // Over the wire the message ends with the hint; the CLI prints them on two lines.
        const message = result.hint && result.error.message.endsWith(result.hint) ? result.error.message.slice(0, -result.hint.length).trim() : result.error.message;
        throw new ApiCallError(result.error.code, message, result.status, hint);
      },
      close,
    };
  } catch (err) {
    close();
    throw err;
  }
}

/** Opens the local API, runs one CLI action with it, closes it; refusals become the CLI's error output and exit code. */
export async function withLocalApi(options: LocalApiOptions, out: Output, action: (api: LocalApi) => number | Promise<number>, create = false): Promise<number> {
  let api: Awaited<ReturnType<typeof openLocalApi>>;
  try {
    api = await openLocalApi(options, create);
  } catch (err) {
    return out.fail(err);
  }
  try {
    return await action(api);
  } catch (err) {
    if (err instanceof ServiceError) return out.fail(err);
    throw err;
  } finally {
    api.close();
  }
}

/** Device labels to ids within the CLI's organisation (the CLI names devices by label, the API by id). */
export async function deviceIdsByLabel(api: LocalApi, labels: readonly string[]): Promise<number[]> {
  const devices = await api.call('devices.list', {});
  const unknown = labels.filter((l) => !devices.some((d) => d.label === l.toLowerCase()));
  if (unknown.length) throw new ApiCallError('UNKNOWN_DEVICE', `There is no device ${unknown.map((l) => `"${l}"`).join(', ')} in this organisation.`, 404, 'List devices with `outpost device list`.');
  return labels.map((l) => devices.find((d) => d.label === l.toLowerCase())!.id);
}
