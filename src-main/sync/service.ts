import type { SyncConfigureInput, SyncStatus } from '../../src-shared/api/areas/sync';
import { errorMessage } from '../errors';
import type { Logger } from '../logging/logger';
import type { Pipeline } from '../ingest/pipeline/pipeline';
import type { Db } from '../store/database';
import { outboxStatements } from './queries/sync-outbox';
import { readSyncStatus, type SyncStatusRecord } from './queries/sync-status';
import { loadSyncPassword, saveSyncPassword, type CredentialPlace } from './credentials';
import { loadSyncSettings, mergeSyncSettings, publicSettings, saveSyncSettings, type StoredSyncSettings } from './settings';
import { handleSiteCommand, type SyncAudit } from './site-commands';
import type { SyncError } from './upstream-errors';
import { syncStatusOf } from './status';
import { SyncWorker, type MqttVersion, type WorkerOptions, type WorkerState } from './worker';

export interface SyncServiceOptions {
  db: Db;
  /** Turns the outbox commit hook on and off; writes outbox progress and status on the writer thread. */
  pipeline: Pick<Pipeline, 'setCommitHook' | 'write'>;
  logger: Logger;
  credentials: CredentialPlace;
  tuning?: Pick<WorkerOptions, 'batchSize' | 'window' | 'backoff'>;
  audit?: SyncAudit;
  /** Hands a queued remote command to the listener the device is connected to. */
  deliverCommands?: (deviceId: number) => void;
  clock?: () => number;
}

/** How often, at most, progress is written to sync_status (the CLI reads it from another process). */
const statusWriteIntervalMs = 1000;

/**
 * The site side of sync: fills the outbox from the pipeline's commit, runs
 * the worker with the current settings, and restarts it when the settings
 * change (the CLI writes them from another process).
 */
export class SyncService {
  private readonly outbox;
  private readonly clock: () => number;
  private settings: StoredSyncSettings | null = null;
  private settingsJson = '';
  private worker: SyncWorker | undefined;
  private status: SyncStatusRecord;
  private statusTimer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> = Promise.resolve();

  constructor(private readonly o: SyncServiceOptions) {
    this.outbox = outboxStatements(o.db);
    this.clock = o.clock ?? Date.now;
    const saved = readSyncStatus(o.db);
    this.status = { state: 'offline', mqttVersion: null, lastSuccessAt: saved?.lastSuccessAt ?? null, sentTotal: saved?.sentTotal ?? 0, lastError: saved?.lastError ?? null, updatedAt: this.clock() };
  }

  kick(): void {
    this.worker?.kick();
  }

  /** Reads the settings again; restarts the worker when they changed. Serialised: watcher events may come quickly. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(() => this.doReload()).catch((err: unknown) => this.o.logger.error({ err }, 'sync settings could not be applied'));
    return this.reloading;
  }

  async configure(input: SyncConfigureInput) {
    const next = mergeSyncSettings(loadSyncSettings(this.o.db), input, this.clock());
    if (input.password !== undefined) await saveSyncPassword(this.o.credentials, input.password);
    saveSyncSettings(this.o.db, next);
    await this.reload();
    return publicSettings(next);
  }

  current(): SyncStatus {
    return syncStatusOf(this.settings, this.status, this.outbox.backlog());
  }

  async stop(): Promise<void> {
    await this.reloading;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      await worker.stop();
      this.writeStatus({ state: 'offline' });
    }
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.statusTimer = undefined;
  }

  private async doReload(): Promise<void> {
    const next = loadSyncSettings(this.o.db);
    const json = JSON.stringify(next);
    if (json === this.settingsJson) return;
    this.settingsJson = json;
    await this.worker?.stop();
    this.worker = undefined;
    this.settings = next;
    // The outbox hook (outbox-hook.ts) runs on the writer thread inside every readings commit while sync is enabled.
    this.o.pipeline.setCommitHook('sync-outbox', next?.enabled ? { forwardSynced: next.forwardSynced, devices: next.devices ?? null } : null);
    if (!next?.enabled) {
      this.writeStatus({ state: next ? 'disabled' : 'unconfigured' });
      return;
    }
    let password: string | null;
    try {
      password = await loadSyncPassword(this.o.credentials);
    } catch (err) {
      this.recordError({ code: 'SYNC_CREDENTIALS_UNAVAILABLE', message: errorMessage(err), hint: 'Unlock the keychain, or set the password again: outpost sync set --password-stdin' });
      return;
    }
    if (password === null) {
      this.recordError({ code: 'SYNC_CREDENTIALS_MISSING', message: 'The upstream password is not in the keychain.', hint: 'Set it: outpost sync set --password-stdin' });
      return;
    }
    this.o.logger.info({ url: next.url, site: next.siteId }, 'sync to the upstream starts');
    this.worker = new SyncWorker({
      outbox: this.outbox,
      markSent: (first, last) => this.o.pipeline.write('sync-mark-sent', { first, last }),
      logger: this.o.logger,
      origin: this.o.credentials.identity.hubId,
      settings: next,
      password,
      ...this.o.tuning,
      events: {
        state: (state: WorkerState, version: MqttVersion) => {
          if (state === 'connected') this.o.logger.info({ url: next.url, version }, 'sync connected to the upstream');
          this.writeStatus({ state, mqttVersion: version });
        },
        error: (e) => this.recordError(e),
        sent: (count) => {
          this.status.sentTotal += count;
          this.status.lastSuccessAt = this.clock();
          this.scheduleStatusWrite();
        },
        command: (payload) => handleSiteCommand(this.o.db, this.o.logger, next, payload, this.clock(), this.o.audit, this.o.deliverCommands),
      },
    });
    this.worker.start();
  }

  private recordError(e: SyncError): void {
    this.o.logger.warn({ code: e.code, detail: e.message }, 'sync upstream error');
    this.writeStatus({ lastError: { ...e, at: this.clock() } });
  }

  private writeStatus(change: Partial<SyncStatusRecord>): void {
    this.status = { ...this.status, ...change, updatedAt: this.clock() };
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.statusTimer = undefined;
    // A hub without sync settings writes nothing: a start that fails later must leave the database as it was.
    if (!this.settings) return;
    this.o.pipeline.write('sync-status', this.status).catch((err: unknown) => this.o.logger.warn({ err }, 'sync status not written'));
  }

  private scheduleStatusWrite(): void {
    if (this.statusTimer) return;
    this.statusTimer = setTimeout(() => this.writeStatus({}), statusWriteIntervalMs);
    this.statusTimer.unref();
  }
}
