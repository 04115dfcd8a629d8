import type { SyncConfigureInput, SyncStatus } from '../../src-shared/api/areas/sync';
import { errorMessage } from '../errors';
import type { Logger } from '../logging/logger';
import type { Pipeline } from '../ingest/pipeline/pipeline';
import type { Db } from '../store/database';
import { configureSync } from './configure';
import { deadLetterStatements } from './queries/sync-dead-letters';
import { outboxStatements } from './queries/sync-outbox';
import { alarmOutboxStatements } from './queries/sync-alarm-outbox';
import { readSyncStatus, type SyncStatusRecord } from './queries/sync-status';
import { loadSyncPassword, type CredentialPlace } from './credentials';
import { handleReceipt } from './receipts';
import { loadSyncSettings, publicSettings, type StoredSyncSettings } from './settings';
import { residencyOf, residencySetting } from '../settings/hub-settings';
import { handleSiteCommand, type SyncAudit } from './site-commands';
import type { SyncError } from './upstream-errors';
import { recentDeadLetters, syncStatusOf } from './status';
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

/** Errors a successful CONNECT proves mended; a refused batch is mended only by an acknowledged one. */
const connectErrors = new Set(['UPSTREAM_AUTH', 'UPSTREAM_TLS', 'UPSTREAM_UNREACHABLE', 'SYNC_CREDENTIALS_MISSING', 'SYNC_CREDENTIALS_UNAVAILABLE']);

/**
 * The site side of sync: fills the outbox from the pipeline's commit, runs
 * the worker with the current settings, and restarts it when the settings
 * change (the CLI writes them from another process).
 */
export class SyncService {
  private readonly outbox;
  private readonly alarmOutbox;
  private readonly deadLetters;
  private readonly clock: () => number;
  private settings: StoredSyncSettings | null = null;
  private settingsJson = '';
  private worker: SyncWorker | undefined;
  private status: SyncStatusRecord;
  private statusTimer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> = Promise.resolve();

  constructor(private readonly o: SyncServiceOptions) {
    this.outbox = outboxStatements(o.db);
    this.alarmOutbox = alarmOutboxStatements(o.db);
    this.deadLetters = deadLetterStatements(o.db);
    // Which readings enter the outbox is decided on the writer thread, inside each readings commit, from the sync settings
    // as committed (sync/outbox-hook.ts): on from the start, whatever this process has noticed so far.
    o.pipeline.setCommitHook('sync-outbox', {});
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
    const { settings, historyQueued, switchedOn } = await configureSync(this.o.db, this.o.credentials, input, this.clock());
    await this.reload();
    return { ...publicSettings(settings, historyQueued), switchedOn };
  }

  current(): SyncStatus {
    return syncStatusOf(this.settings, this.status, this.outbox.backlog(), recentDeadLetters(this.deadLetters, this.o.credentials.identity.hubId));
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
    // A new residency label is sent in the hello of a new connection.
    const residency = residencyOf(this.o.db, residencySetting);
    const json = JSON.stringify([next, residency]);
    if (json === this.settingsJson) return;
    this.settingsJson = json;
    await this.worker?.stop();
    this.worker = undefined;
    this.settings = next;
    if (!next?.enabled) {
      this.writeStatus({ state: next ? 'disabled' : 'unconfigured' });
      return;
    }
    let loaded: Awaited<ReturnType<typeof loadSyncPassword>>;
    try {
      loaded = await loadSyncPassword(this.o.credentials, next);
    } catch (err) {
      this.recordError({ code: 'SYNC_CREDENTIALS_UNAVAILABLE', message: errorMessage(err), hint: 'Unlock the keychain, or set the password again: outpost sync set --password-stdin' });
      return;
    }
    if (loaded.kind === 'missing') {
      this.recordError({ code: 'SYNC_CREDENTIALS_MISSING', message: 'The upstream password is not in the keychain.', hint: 'Set it: outpost sync set --password-stdin' });
      return;
    }
    if (loaded.kind === 'other-upstream') {
      this.recordError({
        code: 'SYNC_CREDENTIALS_MISSING',
        message: `The stored upstream password was given for another URL or CA, so it is not sent to ${next.url}.`,
        hint: 'Give the password for this upstream: outpost sync set --password-stdin',
      });
      return;
    }
    const password = loaded.password;
    this.o.logger.info({ url: next.url, site: next.siteId }, 'sync to the upstream starts');
    this.worker = new SyncWorker({
      outbox: this.outbox,
      markSent: (first, last) => this.o.pipeline.write('sync-mark-sent', { first, last }),
      alarms: { outbox: this.alarmOutbox, markSent: (first, last) => this.o.pipeline.write('sync-alarms-sent', { first, last }) },
      logger: this.o.logger,
      origin: this.o.credentials.identity.hubId,
      settings: next,
      password,
      residency: () => residency,
      ...this.o.tuning,
      events: {
        state: (state: WorkerState, version: MqttVersion) => {
          if (state === 'connected') this.o.logger.info({ url: next.url, version }, 'sync connected to the upstream');
          const mended = state === 'connected' && this.status.lastError && connectErrors.has(this.status.lastError.code);
          this.writeStatus({ state, mqttVersion: version, ...(mended ? { lastError: null } : {}) });
        },
        error: (e) => this.recordError(e),
        sent: (count) => {
          this.status.sentTotal += count;
          this.status.lastSuccessAt = this.clock();
          // An acknowledged batch mends every earlier error: the status must not keep showing one.
          if (this.status.lastError) this.writeStatus({ lastError: null });
          else this.scheduleStatusWrite();
        },
        command: (payload) => handleSiteCommand(this.o.db, this.o.logger, next, payload, this.clock(), this.o.audit, this.o.deliverCommands),
        receipt: (payload) => handleReceipt(this.deadLetters, this.o.logger, next.siteId, this.o.credentials.identity.hubId, payload, this.clock()),
        helloAccepted: () => {
          if (this.status.lastError?.code === 'UPSTREAM_RESIDENCY') this.writeStatus({ lastError: null });
        },
        deadLetter: (row, reason) => {
          if (this.deadLetters.add({ seq: row.seq, at: this.clock(), source: 'site', reason, org: row.org, device: row.device, variable: row.variable, ts: row.ts })) {
            this.o.logger.warn({ seq: row.seq, device: row.device, reason }, 'sync reading set aside: it fails the sync format check');
          }
        },
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
