import { EventEmitter } from 'node:events';
import { ingestLimits, normalizeLabel, type DotRejection, type RejectionReason } from '../../../src-shared/reading';
import { mayUseDevice } from '../../access/device-access';
import { deviceSetHas } from '../../access/device-set';
import { rightsOf } from '../../access/rights';
import type { Logger } from '../../logging/logger';
import type { Db } from '../../store/database';
import { findDeviceByLabel } from '../../devices/queries/devices';
import { PersistError } from './persist-error';
import type { IngestRequest, IngestResult, Principal, StoredReading } from './types';
import type { WriterClient } from './writer-client';
import type { BatchCommitted, WireBatch, WireDevice } from './writer-protocol';
import type { BatchHookName, BatchHookOptions, WriteOpName, WriteOpPayload, WriteOpResult } from './writer-registry';

export interface PipelineOptions {
  clock?: () => number;
  /**
   * Readings handed over but not yet committed beyond which a new message
   * waits for room (its sender is not read meanwhile: backpressure).
   */
  maxQueuedReadings?: number;
  /** How long a message waits for room before it is refused as OVERLOADED. */
  maxWaitForRoomMs?: number;
}

interface Waiter {
  readings: number;
  enter: () => void;
  refuse: (err: PersistError) => void;
}

const overloaded = () => new PersistError('OVERLOADED', 'The hub is busy storing earlier readings; nothing from this message was stored. Send it again shortly.');

interface Accepted {
  variable: string;
  value: number;
  ts: number;
  context: string | null;
  contextObject: Record<string, unknown> | null;
}

interface Pending {
  /** With its organisation: fan-out and sync keep organisations apart by it. */
  device: WireDevice;
  protocol: IngestRequest['protocol'];
  hook: IngestRequest['commitHook'];
  accepted: Accepted[];
  receivedAt: number;
  bytes: number;
  resolve: (done: { stored: StoredReading[]; deviceId: number }) => void;
  reject: (err: PersistError) => void;
}

interface PipelineEvents {
  readings: [stored: StoredReading[]];
  rejected: [protocol: string, reason: RejectionReason, deviceLabel: string, detail: RefusalDetail, count: number];
}

/** What a listener knows about a refusal, for the recent-refusals log (ingest/refusal-recorder.ts). */
export interface RefusalDetail {
  orgId?: number | null;
  deviceId?: number | null;
  /** Remote address of the client. */
  address?: string;
  /** Topic or path. */
  target?: string;
  /** The payload as received (the recorder cuts it short and scrubs tokens). */
  payload?: string | Buffer;
  /** What was wrong, as the hub would say it. */
  message?: string;
}

interface CachedDevice {
  id: number;
  label: string;
  disabled: boolean;
}

/**
 * The one reading pipeline: authorize -> validate -> account -> persist
 * (group commit on the writer thread) -> fan out. Every listener calls
 * `ingest` and acknowledges only after the promise resolves, which is after
 * the writer thread reported the transaction holding its readings committed.
 *
 * This thread never writes: each event-loop turn's messages become one batch
 * handed to the writer thread (writer-worker.ts), which commits it (with the
 * batches that queued up meanwhile) while this thread goes on parsing; devices
 * created on first write, variable ids, last values, accounting and commit
 * hooks (writer-registry.ts) are all written there, in the readings'
 * transaction. Reads (device lookups) use this thread's own connection.
 */
export class Pipeline {
  readonly live = new EventEmitter<PipelineEvents>();
  /** Batches committed so far (tests check that messages share commits). */
  committedBatches = 0;
  private readonly clock: () => number;
  private readonly maxQueued: number;
  private readonly maxWaitForRoomMs: number;
  /** Messages waiting for room, oldest first (they enter the queue in this order, so order per device holds). */
  private readonly waitingForRoom: Waiter[] = [];
  private queue: Pending[] = [];
  private queuedReadings = 0;
  private flushScheduled = false;
  private nextBatchId = 1;
  private lastBatch: Promise<unknown> = Promise.resolve();
  private readonly devicesByLabel = new Map<string, CachedDevice>();
  private readonly pendingRejections = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly writer: WriterClient,
    private readonly logger: Logger,
    options: PipelineOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.maxQueued = options.maxQueuedReadings ?? 200_000;
    this.maxWaitForRoomMs = options.maxWaitForRoomMs ?? 10_000;
    this.live.setMaxListeners(0);
  }

  /**
   * Turns a named commit hook (writer-registry.ts) on with these options, or
   * off with null. It runs inside every readings transaction from the next
   * batch on.
   */
  setCommitHook<N extends BatchHookName>(name: N, options: BatchHookOptions<N> | null): void {
    this.writer.setHook(name, options);
  }

  /** A write the main thread needs (writer-registry.ts `writeOps`), made by the writer thread after the batches before it. */
  write<N extends WriteOpName>(name: N, payload: WriteOpPayload<N>): Promise<WriteOpResult<N>> {
    return this.writer.write(name, payload);
  }

  /** Test hooks on the writer thread (writer-client.ts). */
  writerTest(what: { commitDelayMs?: number; pragma?: string }): Promise<unknown> {
    return this.writer.test(what);
  }

  /** Counts a refusal that happened before a message reached the pipeline (bad token at CONNECT, bad JSON, ...). */
  countRejection(protocol: string, reason: RejectionReason, deviceLabel = '', count = 1, detail: RefusalDetail = {}): void {
    const key = `${protocol}\u0000${reason}\u0000${deviceLabel}`;
    this.pendingRejections.set(key, (this.pendingRejections.get(key) ?? 0) + count);
    this.live.emit('rejected', protocol, reason, deviceLabel, detail, count);
    this.scheduleFlush();
  }

  /** Forget cached device and variable ids (another process changed devices). */
  invalidateCaches(): void {
    this.devicesByLabel.clear();
    this.writer.forget();
  }

  async ingest(req: IngestRequest): Promise<IngestResult> {
    const now = this.clock();
    const rejected: DotRejection[] = [...(req.rejected ?? [])];
    const device = this.authorize(req.principal, req.deviceLabel, req.deviceType);
    if ('refused' in device) {
      this.countRejection(req.protocol, device.refused.reason, normalizeLabel(req.deviceLabel) ?? '', Math.max(1, req.dots.length + rejected.length), {
        orgId: orgOf(req.principal),
        message: device.refused.message,
      });
      return { device: null, stored: [], rejected, refused: device.refused };
    }

    const accepted: Accepted[] = [];
    for (const dot of req.dots) {
      // The one label rule for every protocol: whatever a parser let through, nothing else is stored.
      const variable = normalizeLabel(dot.variable);
      if (variable === null) {
        rejected.push({ variable: dot.variable.slice(0, 64), reason: 'bad_label', message: `"${dot.variable.slice(0, 64)}" is not a valid variable label: use 1-64 letters, digits, "-", "_", "." or ":"` });
        continue;
      }
      const ts = dot.ts ?? now;
      if (ts > now + ingestLimits.maxFutureMs) {
        rejected.push({ variable, reason: 'future_timestamp', message: `${variable}: timestamp ${ts} is more than a day ahead of the hub's clock` });
        continue;
      }
      accepted.push({ variable, value: dot.value, ts, context: dot.context ? JSON.stringify(dot.context) : null, contextObject: dot.context ?? null });
    }
    for (const r of rejected) this.countRejection(req.protocol, r.reason, device.label, 1, { orgId: device.orgId, deviceId: device.id, message: r.message });

    // Waiting messages go first, so order per device holds; an admitted message's room is already counted.
    const waits = accepted.length > 0 && (this.waitingForRoom.length > 0 || !this.hasRoomFor(accepted.length));
    let target = device;
    if (waits) {
      await this.roomFor(accepted.length);
      // The device may have been removed, or the token's access cut, while the message waited: checked against
      // the database itself, as the cache learns of other connections' changes only at the watcher's next poll.
      const again = this.authorize(req.principal, req.deviceLabel, req.deviceType, true);
      if ('refused' in again) {
        this.queuedReadings -= accepted.length;
        this.admitWaiting();
        this.countRejection(req.protocol, again.refused.reason, device.label, accepted.length, { orgId: device.orgId, deviceId: device.id, message: again.refused.message });
        return { device: null, stored: [], rejected, refused: again.refused };
      }
      target = again;
    }
    const { stored, deviceId } = await new Promise<{ stored: StoredReading[]; deviceId: number }>((resolve, reject) => {
      this.queue.push({ device: target, protocol: req.protocol, hook: req.commitHook, accepted, receivedAt: now, bytes: req.bytes, resolve, reject });
      if (!waits) this.queuedReadings += accepted.length;
      this.scheduleFlush();
    });
    return { device: { id: deviceId, label: target.label }, stored, rejected };
  }

  /**
   * Waits until the queue has room for `readings`. Refusing instead made a
   * device at a busy hub disconnect and resend (MQTT) while its neighbours
   * did the same, so an overload grew into reconnect storms; waiting leaves
   * the message (already parsed and in memory) where it is and stops reading
   * from its sender until it is queued (aedes reads a client's next packets
   * only when the current ones are handled). After `maxWaitForRoomMs` the
   * disk has stalled rather than being slow: every waiting message is refused
   * then, not only the oldest, so that a connection's later messages are not
   * stored after its earlier one was refused (order per device).
   */
  private roomFor(readings: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        readings,
        enter: () => {
          clearTimeout(timer);
          resolve();
        },
        refuse: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer = setTimeout(() => this.refuseWaiting(overloaded()), this.maxWaitForRoomMs);
      timer.unref();
      this.waitingForRoom.push(waiter);
    });
  }

  /** Refuses every message still waiting for room. */
  private refuseWaiting(err: PersistError): void {
    const waiting = this.waitingForRoom.splice(0);
    for (const w of waiting) w.refuse(err);
  }

  /** A message larger than the whole queue still goes in once the queue is empty. */
  private hasRoomFor(readings: number): boolean {
    return this.queuedReadings === 0 || this.queuedReadings + readings <= this.maxQueued;
  }

  /** Lets waiting messages in, oldest first, while there is room; counts them as queued at once. */
  private admitWaiting(): void {
    while (this.waitingForRoom.length > 0 && this.hasRoomFor(this.waitingForRoom[0]!.readings)) {
      const next = this.waitingForRoom.shift()!;
      // Counted now: the message joins the queue a microtask later, and the loop must see its room taken.
      this.queuedReadings += next.readings;
      next.enter();
    }
  }

  /** Waits until everything handed over so far is committed (or failed). */
  async drain(): Promise<void> {
    this.flush();
    await this.lastBatch;
  }

  /**
   * The hub is stopping: messages still waiting for room are refused (their
   * listeners are closing, so they could not be acknowledged), then
   * everything handed over is committed.
   */
  async stop(): Promise<void> {
    this.refuseWaiting(new PersistError('STORAGE_FAILED', 'The hub is stopping; nothing from this message was stored. Send it again when the hub is back.'));
    await this.drain();
  }

  /**
   * The pipeline's boundary, the same for every protocol: the one label rule
   * (normalizeLabel) and the one device-access check (access/device-access.ts).
   */
  private authorize(
    principal: Principal,
    rawLabel: string,
    deviceType: string | undefined,
    fresh = false,
  ): WireDevice | { refused: { reason: RejectionReason; message: string } } {
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
    if (fresh) this.devicesByLabel.delete(cacheKey);
    let device = this.devicesByLabel.get(cacheKey);
    if (!device) {
      const found = findDeviceByLabel(this.db, principal.orgId, label);
      if (!found) {
        const rights = rightsOf(this.db, principal);
        if (!rights.permissions.has('readings:write') || !deviceSetHas(rights.devices, { label })) return notAllowed;
        if (!rights.canCreateDevices) {
          return { refused: { reason: 'unknown_device', message: `there is no device "${label}"; create it first (outpost device add ${label}) or use a token allowed to create devices` } };
        }
        // Created by the writer thread inside the readings' transaction (this thread never writes).
        return { id: null, label, orgId: principal.orgId, type: deviceType ?? null };
      }
      device = { id: found.id, label: found.label, disabled: found.disabledAt !== null };
      this.devicesByLabel.set(cacheKey, device);
    }
    if (!mayUseDevice(this.db, principal, { orgId: principal.orgId, id: device.id, label: device.label }, 'readings:write')) return notAllowed;
    if (device.disabled) return { refused: { reason: 'not_authorized', message: `device "${label}" is disabled` } };
    return { id: device.id, label: device.label, orgId: principal.orgId };
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate lets every message that arrived in this turn join one batch.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Hands the queue to the writer thread as one batch; the next batch fills while it commits. */
  private flush(): void {
    const pending = this.queue;
    this.queue = [];
    const rejections = [...this.pendingRejections];
    this.pendingRejections.clear();
    if (pending.length === 0 && rejections.length === 0) return;
    const batch: WireBatch = { id: this.nextBatchId++, messages: [], variables: [], values: [], ts: [], contexts: [], rejections };
    let readings = 0;
    for (const p of pending) {
      batch.messages.push({ device: p.device, protocol: p.protocol, receivedAt: p.receivedAt, bytes: p.bytes, count: p.accepted.length, hook: p.hook });
      for (const a of p.accepted) {
        batch.variables.push(a.variable);
        batch.values.push(a.value);
        batch.ts.push(a.ts);
        batch.contexts.push(a.context);
      }
      readings += p.accepted.length;
    }
    const done = this.writer.commit(batch).then(
      (result) => this.committed(pending, result),
      (err: PersistError) => this.failed(pending, err),
    );
    this.lastBatch = done.finally(() => {
      this.queuedReadings -= readings;
      this.admitWaiting();
    });
  }

  private committed(pending: Pending[], result: BatchCommitted): void {
    this.committedBatches += 1;
    for (const label of result.created) this.logger.info({ device: label }, 'device created on first write');
    const all: StoredReading[] = [];
    let col = 0;
    pending.forEach((p, i) => {
      const deviceId = result.deviceIds[i] ?? 0;
      if (p.device.id === null) this.devicesByLabel.set(`${p.device.orgId}\u0000${p.device.label}`, { id: deviceId, label: p.device.label, disabled: false });
      const stored: StoredReading[] = p.accepted.map((a) => {
        const s: StoredReading = {
          id: result.ids[col]!,
          protocol: p.protocol,
          orgId: p.device.orgId,
          deviceId,
          device: p.device.label,
          variable: a.variable,
          variableId: result.variableIds[col]!,
          ts: a.ts,
          value: a.value,
          context: a.contextObject,
        };
        col += 1;
        return s;
      });
      p.resolve({ stored, deviceId });
      for (const s of stored) all.push(s);
    });
    if (all.length > 0) this.live.emit('readings', all);
  }

  private failed(pending: Pending[], error: PersistError): void {
    this.devicesByLabel.clear();
    this.logger.error({ err: error.cause ?? error, messages: pending.length, code: error.code }, 'readings batch not committed');
    for (const p of pending) p.reject(error);
  }
}

/** The organisation a device credential writes for; none for the hub itself. */
function orgOf(p: Principal): number | null {
  return 'orgId' in p ? p.orgId : null;
}
