import type { Server } from 'node:net';
import type { HubConfig, ListenerAddress } from '../src-shared/config';
import type { ApiContract } from '../src-shared/api/contract';
import type { HandlerRegistry } from './console/registry';
import type { Logger } from './logging/logger';
import type { KeyPurpose } from './security/derive';
import type { HubIdentity } from './security/hub-identity';
import type { TlsMaterial } from './security/tls/material';
import type { Db } from './store/database';
import type { DbWatcher } from './store/db-watcher';
import type { OrgListener } from './sync/org-listener';
import type { Pipeline } from './ingest/pipeline/pipeline';
import type { ReaderClient } from './store/reader-client';
import type { AuthThrottle } from './access/auth-throttle';
import type { AaaService } from './access/service';
import type { ConsoleGate } from './console/gate';
import type { CommandService } from './commands/service';
import type { AuditSink } from './ingest/audit-sink';
import type { ApiKeyService } from './ingest/api-key-port';
import type { SyncService } from './sync/service';

/**
 * Services one module starts and others use. Filled in module order; `need`
 * fails loudly when a module is listed before the one it depends on.
 */
export interface HubServices {
  watcher?: DbWatcher;
  pipeline?: Pipeline;
  /** The reader thread: console readings queries, charts and exports off the event loop. */
  reader?: ReaderClient;
  /** Bad device credentials per remote address, shared by every listener. */
  deviceAuthThrottle?: AuthThrottle;
  aaa?: AaaService;
  consoleGate?: ConsoleGate;
  /** Control values and RPCs to devices (started with the MQTT broker). */
  commands?: CommandService;
  /** Security-relevant events; without it listeners log them. */
  audit?: AuditSink;
  /** API key -> access token (Ubidots /api/v1.6/auth/token); optional. */
  apiKeys?: ApiKeyService;
  /** Upstream store-and-forward: outbox hook, worker, status. */
  sync?: SyncService;
  /** Organisation side of sync, when this hub accepts sites (ports.syncOrg). */
  syncOrg?: OrgListener;
}

export function need<K extends keyof HubServices>(services: HubServices, name: K): NonNullable<HubServices[K]> {
  const service = services[name];
  if (!service) throw new Error(`hub module order: "${name}" is used before it is started`);
  return service as NonNullable<HubServices[K]>;
}

/**
 * What every service module gets from the composition root. A module starts
 * its parts with `bind` and `onStop`; the hub stops them in reverse order.
 */
export interface HubContext {
  readonly config: HubConfig;
  readonly identity: HubIdentity;
  readonly db: Db;
  readonly tls: TlsMaterial;
  readonly logger: Logger;
  readonly registry: HandlerRegistry<ApiContract>;
  readonly services: HubServices;
  /** A key for one purpose, derived from the master key; the master key itself is not handed out. */
  key(purpose: KeyPurpose): Buffer;
  /** Binds a listener; its address appears in the ready event and hub status. */
  bind(name: string, server: Server, host: string, port: number, flag: string): Promise<ListenerAddress>;
  onStop(name: string, stop: () => Promise<void> | void): void;
  /** Marks a setting that weakens security; shown in the UI, CLI and logs. Returns a function that clears the flag again. */
  flagInsecure(what: string): () => void;
}

/** A service module: started in order by createHub, stopped through `onStop`. */
export type HubModule = (ctx: HubContext) => Promise<void> | void;
