import { existsSync, statSync } from 'node:fs';
import { hubConfigSchema, type HubConfig, type HubConfigInput, type ListenerAddress } from '../src-shared/config';
import { apiContract, type ApiContract, type HubStatus } from '../src-shared/api/contract';
import { HubError } from './errors';
import { createLogger, type Logger } from './logging/logger';
import { acquireServeLock, databasePath, prepareDataDir } from './lifecycle/data-dir';
import { closeServer, listen } from './lifecycle/listen';
import { resolveMasterKey } from './security/master-key';
import { OsKeychain, type SecretStore } from './security/secret-store';
import { deriveKey, type KeyPurpose } from './security/derive';
import type { HubContext, HubModule, HubServices } from './hub-context';
import { ingestModule } from './ingest/module';
import { aaaModule } from './access/module';
import { brokerModule } from './broker/module';
import { httpsIngestModule } from './ingest/https/module';
import { tcpIngestModule } from './ingest/tcp/module';
import { syncOrgModule } from './sync/org-module';
import { syncModule } from './sync/module';
import { historyModule } from './history/module';
import type { HubIdentity } from './security/hub-identity';
import { ensureTlsMaterial, type TlsMaterial } from './security/tls/material';
import { serverTlsOptions } from './security/tls/server-options';
import { openDatabase, type Db } from './store/database';
import { migrate, schemaVersion } from './store/migrations';
import { HandlerRegistry } from './console/registry';
import { createConsoleServer } from './console/server';
import { attachLiveChannel } from './console/live';
import { createLiveAccess } from './access/live-access';
import { registerHubHandlers } from './console/hub-handlers';
import { packageVersion, rendererDir } from './paths';

/**
 * Service modules in start order (each registers its own stop). The console
 * comes last, so it never answers before the services behind it are up.
 */
const fullCheckLimitBytes = 1024 ** 3;

const modules: HubModule[] = [aaaModule, ingestModule, historyModule, brokerModule, httpsIngestModule, tcpIngestModule, syncModule, syncOrgModule];

export interface HubDeps {
  secretStore?: SecretStore;
  logger?: Logger;
}

export interface Hub {
  readonly config: HubConfig;
  readonly identity: HubIdentity;
  readonly db: Db;
  readonly tls: TlsMaterial;
  readonly logger: Logger;
  readonly listeners: Readonly<Record<string, ListenerAddress>>;
  readonly registry: HandlerRegistry<ApiContract>;
  readonly services: HubServices;
  status(): HubStatus;
  /** Stops every service in reverse start order. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Something the hub starts and must stop again. */
interface Running {
  name: string;
  stop(): Promise<void> | void;
}

function parseConfig(input: HubConfigInput): HubConfig {
  const parsed = hubConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new HubError(
      'CONFIG_INVALID',
      `The configuration is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`,
      'Fix the option named above; `outpost serve --help` lists them.',
    );
  }
  return parsed.data;
}

/**
 * The one composition root: the Electron shell and `outpost serve` both call
 * it. Each step either succeeds or throws a HubError after undoing the steps
 * before it, so a failed start leaves no port bound and no file open.
 */
export async function createHub(input: HubConfigInput, deps: HubDeps = {}): Promise<Hub> {
  const config = parseConfig(input);
  const logger = deps.logger ?? createLogger({ level: config.logLevel });
  const running: Running[] = [];
  const stopAll = async () => {
    for (const r of running.splice(0).reverse()) {
      try {
        await r.stop();
      } catch (err) {
        logger.error({ err, service: r.name }, 'service failed to stop cleanly');
      }
    }
  };

  try {
    const dataDir = prepareDataDir(config.dataDir);
    config.dataDir = dataDir;
    running.push({ name: 'serve-lock', stop: acquireServeLock(dataDir) });

    const { key, identity, created } = await resolveMasterKey({
      dataDir,
      keyFile: config.keyFile,
      secretStore: deps.secretStore ?? new OsKeychain(),
    });
    logger.info({ hubId: identity.hubId, keySource: identity.keySource, created }, 'master key loaded');

    // Checking every page costs about 9 s per GB: done at start for stores up to 1 GiB, by `outpost doctor` beyond.
    const dbSize = existsSync(databasePath(dataDir)) ? statSync(databasePath(dataDir)).size : 0;
    const verifyPages = dbSize <= fullCheckLimitBytes;
    if (!verifyPages) logger.info({ bytes: dbSize }, 'database is large: page check skipped at start; `outpost doctor` runs it');
    const db = openDatabase({ file: databasePath(dataDir), key: deriveKey(key, identity.hubId, 'database'), verifyPages });
    running.push({ name: 'database', stop: () => void db.close() });
    const { from, to } = migrate(db);
    if (from !== to) logger.info({ from, to }, 'database schema migrated');

    const tls = await ensureTlsMaterial({
      dataDir,
      sealKey: deriveKey(key, identity.hubId, 'tls-private-keys'),
      provided: config.tls,
    });

    const listeners: Record<string, ListenerAddress> = {};
    const startedAt = new Date().toISOString();
    const version = packageVersion();
    const insecure: string[] = [];
    const status = (): HubStatus => ({
      version,
      hubId: identity.hubId,
      startedAt,
      listeners: { ...listeners },
      tls: { source: tls.source, caFingerprint: tls.caFingerprint, notAfter: tls.notAfter.toISOString() },
      schemaVersion: schemaVersion(db),
      insecure: [...insecure],
    });

    const registry = new HandlerRegistry(apiContract);
    registerHubHandlers(registry, status);

    const services: HubServices = {};
    const derived = new Map<KeyPurpose, Buffer>();
    const ctx: HubContext = {
      config,
      identity,
      db,
      tls,
      logger,
      registry,
      services,
      key: (purpose) => {
        let k = derived.get(purpose);
        if (!k) derived.set(purpose, (k = deriveKey(key, identity.hubId, purpose)));
        return Buffer.from(k);
      },
      bind: async (name, server, host, port, flag) => {
        const address = await listen(server, name, host, port, flag);
        listeners[name] = address;
        running.push({ name, stop: () => closeServer(server) });
        return address;
      },
      onStop: (name, stop) => running.push({ name, stop }),
      flagInsecure: (what) => {
        insecure.push(what);
        logger.warn({ setting: what }, 'insecure setting is on');
        return () => {
          const i = insecure.indexOf(what);
          if (i >= 0) insecure.splice(i, 1);
        };
      },
    };
    running.push({ name: 'master-key', stop: () => void key.fill(0) });
    for (const startModule of modules) await startModule(ctx);

    const consoleServer = createConsoleServer({ tls: serverTlsOptions(tls), registry, staticRoot: rendererDir(), logger, gate: services.consoleGate });
    const live = services.pipeline && services.aaa && services.consoleGate
      ? attachLiveChannel(consoleServer, { readings: services.pipeline.live, access: createLiveAccess(services.aaa.ctx, services.consoleGate), logger })
      : undefined;
    await ctx.bind('console', consoleServer, config.consoleHost, config.ports.console, '--console-port');
    // Upgraded sockets are not the HTTP server's any more: they must close before it can.
    if (live) ctx.onStop('console-live', () => live.close());

    let stopping: Promise<void> | undefined;
    const hub: Hub = {
      config,
      identity,
      db,
      tls,
      logger,
      listeners,
      registry,
      services,
      status,
      stop: () => {
        stopping ??= stopAll().then(() => logger.info('hub stopped'));
        return stopping;
      },
    };
    logger.info({ listeners }, 'hub ready');
    return hub;
  } catch (err) {
    await stopAll();
    throw err;
  }
}
