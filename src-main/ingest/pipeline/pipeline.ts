import { EventEmitter } from 'node:events';
import { ingestLimits, normalizeLabel, type DotRejection, type RejectionReason } from '../../../src-shared/reading';
import { mayUseDevice } from '../../access/device-access';
import { deviceSetHas } from '../../access/device-set';
import { rightsOf } from '../../access/rights';
import { errorCode } from '../../errors';
import type { Logger } from '../../logging/logger';
import type { Db } from '../../store/database';
import { findDeviceByLabel, insertDevice, touchDevices } from '../../devices/queries/devices';
import { readingStatements } from '../../history/queries/readings';
import { hourOf, usageStatements, type DeviceUsageDelta } from '../queries/usage';
import { variableStatements } from '../../devices/queries/variables';
import { PersistError, toPersistError } from './persist-error';
import type { IngestRequest, IngestResult, Principal, StoredReading } from './types';

/** Runs inside the commit transaction with what it stored (the sync outbox uses this). */
export type CommitHook = (db: Db, stored: readonly StoredReading[]) => void;

export interface PipelineOptions {
  clock?: () => number;
  /** Readings waiting for a commit beyond which new messages are refused (memory bound). */
  maxQueuedReadings?: number;
}

interface Accepted {
  variable: string;
  value: number;
  ts: number;
  context: string | null;
  contextObject: Record<string, unknown> | null;
}

interface Pending {
  device: { id: number; label: string };
  orgId: number;
  protocol: IngestRequest['protocol'];
  onCommit: IngestRequest['onCommit'];
  accepted: Accepted[];
  receivedAt: number;
  bytes: number;
  resolve: (stored: StoredReading[]) => void;
  reject: (err: PersistError) => void;
}

interface PipelineEvents {
  readings: [stored: StoredReading[]];
  rejected: [protocol: string, reason: RejectionReason, deviceLabel: string];
}

/**
 * The one reading pipeline: authorize -> validate -> account -> persist
 * (group commit) -> fan out -> commit hooks (sync). Every listener calls
 * `ingest` and acknowledges only after the promise resolves, which is after
 * the transaction holding its readings has committed.
 */
export class Pipeline {
  readonly live = new EventEmitter<PipelineEvents>();
  private readonly clock: () => number;
  private readonly maxQueued: number;
  private queue: Pending[] = [];
  private queuedReadings = 0;
  private flushScheduled = false;
  private readonly hooks: CommitHook[] = [];
  private readonly variableIds = new Map<string, number>();
  private readonly devicesByLabel = new Map<string, { id: number; label: string; disabled: boolean }>();
  private readonly pendingRejections = new Map<string, number>();
  private readonly stmts;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    options: PipelineOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.maxQueued = options.maxQueuedReadings ?? 200_000;
    this.live.setMaxListeners(0);
    this.stmts = { readings: readingStatements(db), variables: variableStatements(db), usage: usageStatements(db) };
  }

  addCommitHook(hook: CommitHook): void {
    this.hooks.push(hook);
  }

  /** Counts a refusal that happened before a message reached the pipeline (bad token at CONNECT, bad JSON, ...). */
  countRejection(protocol: string, reason: RejectionReason, deviceLabel = '', count = 1): void {
    const key = `${protocol}\u0000${reason}\u0000${deviceLabel}`;
    this.pendingRejections.set(key, (this.pendingRejections.get(key) ?? 0) + count);
    this.live.emit('rejected', protocol, reason, deviceLabel);
    this.scheduleFlush();
  }

  /** Forget cached device and variable ids (another process changed devices). */
  invalidateCaches(): void {
    this.variableIds.clear();
    this.devicesByLabel.clear();
  }

  async ingest(req: IngestRequest): Promise<IngestResult> {
    const now = this.clock();
    const rejected: DotRejection[] = [...(req.rejected ?? [])];
    const device = this.authorize(req.principal, req.deviceLabel, req.deviceType, now);
    if ('refused' in device) {
      this.countRejection(req.protocol, device.refused.reason, normalizeLabel(req.deviceLabel) ?? '', Math.max(1, req.dots.length + rejected.length));
      return { device: null, stored: [], rejected, refused: device.refused };
    }

    const accepted: Accepted[] = [];
    for (const dot of req.dots) {
      const ts = dot.ts ?? now;
      // The one label rule for every protocol: whatever a parser let through, nothing else is stored.
      const variable = normalizeLabel(dot.variable);
      if (variable === null) {
        rejected.push({ variable: dot.variable.slice(0, 64), reason: 'bad_label', message: `"${dot.variable.slice(0, 64)}" is not a valid variable label: use 1-64 letters, digits, "-", "_", "." or ":"` });
        continue;
      }
      if (ts > now + ingestLimits.maxFutureMs) {
        rejected.push({ variable, reason: 'future_timestamp', message: `${variable}: timestamp ${ts} is more than a day ahead of the hub's clock` });
        continue;
      }
      accepted.push({ variable, value: dot.value, ts, context: dot.context ? JSON.stringify(dot.context) : null, contextObject: dot.context ?? null });
    }
    for (const r of rejected) this.countRejection(req.protocol, r.reason, device.label);

    if (this.queuedReadings + accepted.length > this.maxQueued) {
      throw new PersistError('OVERLOADED', 'The hub is busy storing earlier readings; nothing from this message was stored. Send it again shortly.');
    }
    const stored = await new Promise<StoredReading[]>((resolve, reject) => {
      this.queue.push({ device, orgId: req.principal.orgId, protocol: req.protocol, onCommit: req.onCommit, accepted, receivedAt: now, bytes: req.bytes, resolve, reject });
      this.queuedReadings += accepted.length;
      this.scheduleFlush();
    });
    return { device, stored, rejected };
  }

  /** Waits until everything queued so far is committed. */
  drain(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.queue.push({ device: { id: 0, label: '' }, orgId: 0, protocol: 'command', onCommit: undefined, accepted: [], receivedAt: 0, bytes: -1, resolve: () => resolve(), reject: () => resolve() });
      this.scheduleFlush();
    });
  }

  /**
   * The pipeline's boundary, the same for every protocol: the one label rule
   * (normalizeLabel) and the one device-access check (access/device-access.ts).
   */
  private authorize(
    principal: Principal,
    rawLabel: string,
    deviceType: string | undefined,
    now: number,
  ): { id: number; label: string } | { refused: { reason: RejectionReason; message: string } } {
    const label = normalizeLabel(rawLabel);
    if (label === null) {
      const shown = rawLabel.slice(0, 64);
      return { refused: { reason: 'bad_label', message: `"${shown}${rawLabel.length > 64 ? '…' : ''}" is not a valid device label: use 1-64 letters, digits, "-", "_", "." or ":", starting with a letter or digit` } };
    }
    const notAllowed = {
      refused: {
        reason: 'not_authorized' as const,
        message: principal.kind === 'device' ? `this token may not write to device "${label}": a device token writes only to its own device, "${principal.label}"` : `this token may not write to device "${label}"`,
      },
    };
    const cacheKey = `${principal.orgId}\u0000${label}`;
    let device = this.devicesByLabel.get(cacheKey);
    if (!device) {
      const found = findDeviceByLabel(this.db, principal.orgId, label);
      if (found) device = { id: found.id, label: found.label, disabled: found.disabledAt !== null };
      else {
        const rights = rightsOf(this.db, principal);
        if (!rights.permissions.has('readings:write') || !deviceSetHas(rights.devices, { label })) return notAllowed;
        if (!rights.canCreateDevices) {
          return { refused: { reason: 'unknown_device', message: `there is no device "${label}"; create it first (outpost device add ${label}) or use a token allowed to create devices` } };
        }
        const created = insertDevice(this.db, { orgId: principal.orgId, label, name: label, type: deviceType ?? null, now });
        this.logger.info({ device: label, orgId: principal.orgId }, 'device created on first write');
        device = { id: created.id, label, disabled: false };
      }
      this.devicesByLabel.set(cacheKey, device);
    }
    if (!mayUseDevice(this.db, principal, { orgId: principal.orgId, id: device.id, label: device.label }, 'readings:write')) return notAllowed;
    if (device.disabled) return { refused: { reason: 'not_authorized', message: `device "${label}" is disabled` } };
    return { id: device.id, label: device.label };
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate lets every message that arrived in this turn join one commit.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.queuedReadings = 0;
    const rejections = new Map(this.pendingRejections);
    this.pendingRejections.clear();
    if (batch.length === 0 && rejections.size === 0) return;
    let results: StoredReading[][];
    try {
      results = this.commit(batch, rejections);
    } catch (err) {
      if (errorCode(err)?.startsWith('SQLITE_CONSTRAINT')) {
        // A device was deleted by another process since we cached its id: look everything up again.
        this.invalidateCaches();
        try {
          results = this.commit(batch, rejections);
        } catch (again) {
          this.fail(batch, again);
          return;
        }
      } else {
        this.fail(batch, err);
        return;
      }
    }
    const all: StoredReading[] = [];
    batch.forEach((p, i) => {
      const stored = results[i] ?? [];
      p.resolve(stored);
      for (const s of stored) all.push(s);
    });
    if (all.length > 0) this.live.emit('readings', all);
  }

  private fail(batch: Pending[], err: unknown): void {
    const error = toPersistError(err);
    this.invalidateCaches();
    this.logger.error({ err, messages: batch.length, code: error.code }, 'readings batch not committed');
    for (const p of batch) p.reject(error);
  }

  private commit(batch: Pending[], rejections: Map<string, number>): StoredReading[][] {
    return this.db.transaction(() => {
      const seen = new Map<number, number>();
      const latest = new Map<number, Accepted>();
      const usage = new Map<string, DeviceUsageDelta & { deviceId: number; hour: number }>();
      const out: StoredReading[][] = [];
      const all: StoredReading[] = [];
      for (const p of batch) {
        if (p.bytes < 0) {
          out.push([]);
          continue;
        }
        const stored: StoredReading[] = [];
        for (const a of p.accepted) {
          const variableId = this.variableId(p.device.id, a.variable, p.receivedAt);
          const id = this.stmts.readings.insert(variableId, a.ts, a.value, a.context, p.receivedAt);
          // One last-value update per variable per batch: the newest dot wins (later arrivals win ties).
          const prev = latest.get(variableId);
          if (!prev || a.ts >= prev.ts) latest.set(variableId, a);
          stored.push({
            id,
            protocol: p.protocol,
            orgId: p.orgId,
            deviceId: p.device.id,
            device: p.device.label,
            variable: a.variable,
            variableId,
            ts: a.ts,
            value: a.value,
            context: a.contextObject,
          });
        }
        p.onCommit?.(this.db, stored);
        seen.set(p.device.id, p.receivedAt);
        const hour = hourOf(p.receivedAt);
        const key = `${p.device.id}:${hour}`;
        const u = usage.get(key) ?? { deviceId: p.device.id, hour, messagesIn: 0, bytesIn: 0, readingsIn: 0 };
        u.messagesIn! += 1;
        u.bytesIn! += p.bytes;
        u.readingsIn! += stored.length;
        usage.set(key, u);
        out.push(stored);
        for (const s of stored) all.push(s);
      }
      for (const [variableId, a] of latest) this.stmts.variables.setLast(variableId, a.value, a.ts, a.context);
      touchDevices(this.db, seen);
      for (const u of usage.values()) this.stmts.usage.addDevice(u.deviceId, u.hour, u);
      const hour = hourOf(this.clock());
      for (const [key, count] of rejections) {
        const [protocol = '', reason = '', label = ''] = key.split('\u0000');
        this.stmts.usage.addRejection(hour, protocol, reason, label, count);
      }
      if (all.length > 0) for (const hook of this.hooks) hook(this.db, all);
      return out;
    }).immediate();
  }

  private variableId(deviceId: number, label: string, now: number): number {
    const key = `${deviceId}\u0000${label}`;
    let id = this.variableIds.get(key);
    if (id === undefined) {
      id = this.stmts.variables.idFor(deviceId, label, now);
      this.variableIds.set(key, id);
    }
    return id;
  }
}
