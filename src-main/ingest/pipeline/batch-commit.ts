import type { Db } from '../../store/database';
import { findDeviceByLabel, insertDevice, touchDevices } from '../../devices/queries/devices';
import { readingStatements } from '../../history/queries/readings';
import { variableStatements } from '../../devices/queries/variables';
import { hourOf, usageStatements, type DeviceUsageDelta } from '../queries/usage';
import type { StoredReading } from './types';
import type { BatchCommitted, WireBatch, WireDevice } from './writer-protocol';
import { batchHooks, requestHooks, type BatchHookName, type BatchHookOptions, type RequestHookName } from './writer-registry';

interface Latest {
  value: number;
  ts: number;
  context: string | null;
}

/**
 * The writer thread's half of the pipeline: commits batches handed over by
 * the main thread, several at once when they queued up while the previous
 * commit ran (group commit). Everything a batch writes (readings, devices
 * created on first write, variable ids, last values, usage and rejection
 * counts, commit hooks) is in one transaction: all of it or none.
 */
export class BatchCommitter {
  private readonly stmts;
  private readonly variableIds = new Map<string, number>();
  private readonly hooks = new Map<BatchHookName, (stored: readonly StoredReading[]) => void>();
  private readonly requestHookFns = new Map<RequestHookName, (payload: never, stored: readonly StoredReading[]) => void>();
  /** Test hook: keeps each transaction open this long before COMMIT (test/ingest/writer-thread.test.ts). */
  commitDelayMs = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
  ) {
    this.stmts = { readings: readingStatements(db), variables: variableStatements(db), usage: usageStatements(db) };
  }

  setHook<N extends BatchHookName>(name: N, options: BatchHookOptions<N> | null): void {
    if (options === null) this.hooks.delete(name);
    else this.hooks.set(name, batchHooks[name](this.db, options));
  }

  /** Forget cached variable ids (another connection may have deleted variables). */
  forget(): void {
    this.variableIds.clear();
  }

  commit(batches: readonly WireBatch[]): BatchCommitted[] {
    return this.db.transaction(() => {
      const out = batches.map((b) => this.commitOne(b));
      if (this.commitDelayMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, this.commitDelayMs);
      return out;
    }).immediate();
  }

  private commitOne(batch: WireBatch): BatchCommitted {
    const latest = new Map<number, Latest>();
    const seen = new Map<number, number>();
    const usage = new Map<string, DeviceUsageDelta & { deviceId: number; hour: number }>();
    const created: string[] = [];
    const resolved = new Map<string, number>();
    const result: BatchCommitted = { id: batch.id, ids: [], variableIds: [], deviceIds: [], created };
    const wantStored = this.hooks.size > 0;
    const all: StoredReading[] = [];
    let col = 0;
    for (const m of batch.messages) {
      const deviceId = this.deviceFor(m.device, m.receivedAt, resolved, created);
      result.deviceIds.push(deviceId);
      const label = m.device.label;
      const stored: StoredReading[] = [];
      for (let i = 0; i < m.count; i++, col++) {
        const variable = batch.variables[col]!;
        const value = batch.values[col]!;
        const ts = batch.ts[col]!;
        const context = batch.contexts[col] ?? null;
        const variableId = this.variableId(deviceId, variable, m.receivedAt);
        const id = this.stmts.readings.insert(variableId, ts, value, context, m.receivedAt);
        result.ids.push(id);
        result.variableIds.push(variableId);
        // One last-value update per variable per batch: the newest dot wins (later arrivals win ties).
        const prev = latest.get(variableId);
        if (!prev || ts >= prev.ts) latest.set(variableId, { value, ts, context });
        if (wantStored || m.hook) {
          stored.push({ id, protocol: m.protocol, orgId: m.device.orgId, deviceId, device: label, variable, variableId, ts, value, context: context === null ? null : (JSON.parse(context) as Record<string, unknown>) });
        }
      }
      if (m.hook) this.requestHook(m.hook.name)(m.hook.payload as never, stored);
      seen.set(deviceId, m.receivedAt);
      const hour = hourOf(m.receivedAt);
      const key = `${deviceId}:${hour}`;
      const u = usage.get(key) ?? { deviceId, hour, messagesIn: 0, bytesIn: 0, readingsIn: 0 };
      u.messagesIn! += 1;
      u.bytesIn! += m.bytes;
      u.readingsIn! += m.count;
      usage.set(key, u);
      for (const s of stored) all.push(s);
    }
    for (const [variableId, a] of latest) this.stmts.variables.setLast(variableId, a.value, a.ts, a.context);
    touchDevices(this.db, seen);
    for (const u of usage.values()) this.stmts.usage.addDevice(u.deviceId, u.hour, u);
    const hour = hourOf(this.clock());
    for (const [key, count] of batch.rejections) {
      const [protocol = '', reason = '', label = ''] = key.split('\u0000');
      this.stmts.usage.addRejection(hour, protocol, reason, label, count);
    }
    if (all.length > 0) for (const hook of this.hooks.values()) hook(all);
    return result;
  }

  /** Finds the device a message names, creating it on first write (the main thread checked the token may). */
  private deviceFor(device: WireDevice, now: number, resolved: Map<string, number>, created: string[]): number {
    if (device.id !== null) return device.id;
    const key = `${device.orgId}\u0000${device.label}`;
    let id = resolved.get(key);
    if (id === undefined) {
      const found = findDeviceByLabel(this.db, device.orgId, device.label);
      if (found) id = found.id;
      else {
        id = insertDevice(this.db, { orgId: device.orgId, label: device.label, name: device.label, type: device.type, now }).id;
        created.push(device.label);
      }
      resolved.set(key, id);
    }
    return id;
  }

  private requestHook(name: RequestHookName): (payload: never, stored: readonly StoredReading[]) => void {
    let fn = this.requestHookFns.get(name);
    if (!fn) this.requestHookFns.set(name, (fn = requestHooks[name](this.db) as (payload: never, stored: readonly StoredReading[]) => void));
    return fn;
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
