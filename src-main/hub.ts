import { existsSync, statSync } from 'node:fs';
import { hubConfigSchema, type HubConfig, type HubConfigInput, type ListenerAddress } from '../src-shared/config';
import type { ApiContract, HubStatus } from '../src-shared/api/contract';
import { HubError } from './errors';
import { createLogger, type Logger } from './logging/logger';
import { acquireServeLock, databasePath, prepareDataDir } from './lifecycle/data-dir';
import { closeServer, listen } from './lifecycle/listen';
import { resolveMasterKey } from './security/master-key';
import { OsKeychain, type SecretStore } from './security/secret-store';
import { deriveKey, type KeyPurpose } from './security/derive';
import type { HubContext } from './hub-context';
import { startIngest } from './ingest/module';
import { startHistory } from './history/module';
import { startAlarmNotifications, startAlarms } from './alarms/module';
import type { DeliverySender } from './alarms/notify/sender';
import type { AlarmService } from './alarms/service';
import { startAccess } from './access/module';
import type { AccessContext } from './access/context';
import { openSetup } from './access/setup-code';
import { connectionFacts } from './devices/connection-facts';
import type { ConsoleGate } from './console/gate';
import { startBroker } from './broker/module';
import type { ApiSlot } from './broker/deps';
import type { CommandService } from './commands/service';
import { startHttpsIngest } from './ingest/https/module';
import { startTcpIngest } from './ingest/tcp/module';
import type { Pipeline } from './ingest/pipeline/pipeline';
import { startSyncOrg } from './sync/org-module';
import { startSync } from './sync/module';
import type { SyncService } from './sync/service';
import type { OrgListener } from './sync/org-listener';
import type { DbWatcher } from './store/db-watcher';
import type { ReaderClient } from './history/reader-client';
import type { HubIdentity } from './security/hub-identity';
import { ensureTlsMaterial, type TlsMaterial } from './security/tls/material';
import { listenerLimits } from './security/tls/listener';
import { hubCheckpointPages, hubLogLimitMiB, openDatabase, type Db } from './store/database';
import { migrate, schemaVersion } from './store/migrations';
import type { HandlerRegistry } from './console/registry';
import { createApi } from './console/api';
import { stewardshipServices } from './console/stewardship';
import { startRetention, type RetentionService } from './stewardship/retention';
import { residencyOf, residencySetting } from './settings/hub-settings';
import { startBackupScheduler, type BackupScheduler } from './stewardship/backup-schedule';
import { createConsoleServer } from './console/server';
import { readMapTiles } from './settings/map-tiles';
import { attachLiveChannel } from './console/live';
import type { LiveFeedOptions } from './console/live-feed';
import { createLiveAccess } from './access/live-access';
import { packageVersion, rendererDir } from './paths';

const fullCheckLimitBytes = 1024 ** 3;
/** Browsers keep about six connections per origin; the console serves a few people. */
const consoleMaxConnections = 1024;

/** The services a running hub is made of, for the shell (IPC) and for tests. */
export interface HubServices {
  access: AccessContext;
  gate: ConsoleGate;
  watcher: DbWatcher;
  pipeline: Pipeline;
  /** The interactive reader thread: console readings queries and charts. */
  reader: ReaderClient;
  /** The bulk reader thread: exports, at a lower CPU priority. */
  bulkReader: ReaderClient;
  commands: CommandService;
  sync: SyncService;
  /** Present in organisation mode (--sync-org-port). */
  syncOrg: OrgListener | null;
  /** Background retention (stewardship/retention.ts). */
  retention: RetentionService;
  alarms: AlarmService;
  alarmNotifications: DeliverySender;
  /** Scheduled backups (stewardship/backup-schedule.ts). */
  backups: BackupScheduler;
  /** Where live feeds come from: the console's WebSocket and the desktop window's IPC (desktop/ipc-live.ts). */
  live: LiveFeedOptions;
}

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
  /** While nobody has an account: the one-time code that creates the owner in the console (access/setup-code.ts). */
  readonly setupCode: string | null;
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
    // The same checkpoint threshold as the writer thread's: while devices send, the writer's commits cross it
    // first, so the event loop seldom copies the log; while none do, this connection's own writes (usage,
    // alarms, console actions) still keep the log bounded. SQLite's default here would make the event loop
    // checkpoint at nearly every write during ingest, as the log sits between 1,000 and 10,000 pages.
    const db = openDatabase({ file: databasePath(dataDir), key: deriveKey(key, identity.hubId, 'database'), verifyPages, checkpointPages: hubCheckpointPages, logLimitMiB: hubLogLimitMiB });
    running.push({ name: 'database', stop: () => void db.close() });
    const { from, to } = migrate(db);
    if (from !== to) {
      logger.info({ from, to }, 'database schema migrated');
      // A migration can leave a large log (a backfill); copied now, before any device waits on a commit.
      db.pragma('wal_checkpoint(TRUNCATE)');
    }

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
      residency: residencyOf(db, residencySetting),
    });

    const derived = new Map<KeyPurpose, Buffer>();
    const ctx: HubContext = {
      config,
      identity,
      db,
      tls,
      logger,
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

    // Service modules in start order, each given the services it uses and registering its own stop.
    // The console comes last, so it never answers before the services behind it are up.
    const access = startAccess(ctx);
    const { pipeline, watcher, reader, bulkReader, counters } = await startIngest(ctx);
    startHistory(ctx, pipeline);
    const retention = startRetention(ctx, pipeline);
    const alarms = startAlarms(ctx, { pipeline, watcher });
    const alarmNotifications = startAlarmNotifications(ctx, { pipeline });
    const brokerApi: ApiSlot = { registry: null };
    const commands = await startBroker(ctx, { pipeline, watcher, access: access.devices, api: brokerApi });
    await startHttpsIngest(ctx, { pipeline, watcher, access: access.devices, commands });
    await startTcpIngest(ctx, { pipeline, watcher, access: access.devices });
    const sync = await startSync(ctx, { pipeline, watcher, access: access.ctx, commands });
    const syncOrg = await startSyncOrg(ctx, { pipeline, watcher, access: access.ctx });
    const stewardship = stewardshipServices({ db, dataDir, identity, masterKey: key, outpostVersion: version, reader });
    running.push({ name: 'stewardship', stop: () => stewardship.close() });
    const backups = startBackupScheduler({ db, dataDir, logger, backup: (target) => stewardship.backup(target) });
    running.push({ name: 'backup-schedule', stop: () => backups.stop() });
    const liveFeeds: LiveFeedOptions = { readings: pipeline.live, access: createLiveAccess(access.ctx, access.gate), logger, changes: watcher, alarms: alarms.events, commands: commands.events };
    const services: HubServices = { access: access.ctx, gate: access.gate, watcher, pipeline, reader, bulkReader, commands, sync, syncOrg, retention, alarms, alarmNotifications, backups, live: liveFeeds };
    const connection = () => connectionFacts(status(), tls.caCertPem);
    const counterSources = { traffic: counters, databaseFile: databasePath(dataDir) };
    const registry = createApi({ access: access.ctx, commands, sync, status, connection, changed: () => watcher.notify(), logger, reader, bulkReader, stewardship, counters: counterSources });
    brokerApi.registry = registry;
    const consoleServer = createConsoleServer({ tls, limits: listenerLimits(config, consoleMaxConnections), registry, staticRoot: rendererDir(), logger, gate: access.gate, tileTemplate: () => readMapTiles(access.ctx.db).url });
    const live = attachLiveChannel(consoleServer, liveFeeds);
    await ctx.bind('console', consoleServer, config.consoleHost, config.ports.console, '--console-port');
    // Written once every listener is bound: a start refused before this point leaves the data directory as it was.
    const setupCode = openSetup(access.ctx);
    // Upgraded sockets are not the HTTP server's any more: they must close before it can.
    ctx.onStop('console-live', () => live.close());

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
      setupCode,
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
