import type { Server } from 'node:net';
import type { HubConfig, ListenerAddress } from '../src-shared/config';
import type { Logger } from './logging/logger';
import type { KeyPurpose } from './security/derive';
import type { HubIdentity } from './security/hub-identity';
import type { TlsMaterial } from './security/tls/material';
import type { Db } from './store/database';

/**
 * What every service module gets from the composition root. A module starts
 * its parts with `bind` and `onStop`; the hub stops them in reverse order.
 * The services a module uses come as its own typed argument (see hub.ts), so
 * a missing one is a compile error, not a run-time surprise.
 */
export interface HubContext {
  readonly config: HubConfig;
  readonly identity: HubIdentity;
  readonly db: Db;
  readonly tls: TlsMaterial;
  readonly logger: Logger;
  /** A key for one purpose, derived from the master key; the master key itself is not handed out. */
  key(purpose: KeyPurpose): Buffer;
  /** Binds a listener; its address appears in the ready event and hub status. */
  bind(name: string, server: Server, host: string, port: number, flag: string): Promise<ListenerAddress>;
  onStop(name: string, stop: () => Promise<void> | void): void;
  /** Marks a setting that weakens security; shown in the UI, CLI and logs. Returns a function that clears the flag again. */
  flagInsecure(what: string): () => void;
}
