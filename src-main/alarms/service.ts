import { EventEmitter } from 'node:events';
import type { Severity } from '../../src-shared/alarm-rule';
import type { Logger } from '../logging/logger';
import type { Db } from '../store/database';
import type { StoredReading } from '../ingest/pipeline/types';
import { AlarmEngine, type Effect, type EngineRule } from './engine';
import { activeAlarms } from './queries/alarms';
import { listAllRules } from './queries/rules';
import { listStates } from './queries/states';
import { findTarget, listTargets, variableLastTs } from './queries/targets';
import type { AlarmApplied, AlarmChange } from './writer-ops';

/** Something that happened to an alarm, for the console's live channel and for notifications. */
export interface AlarmEvent {
  kind: 'raise' | 'escalate' | 'clear' | 'remind';
  alarmId: number;
  orgId: number;
  ruleId: number;
  ruleName: string;
  deviceId: number;
  severity: Severity | null;
  at: number;
  value: number | null;
}

/** What the service needs of the reading pipeline (ingest/pipeline/pipeline.ts). */
export interface AlarmPipeline {
  live: { on(event: 'readings', fn: (stored: StoredReading[]) => void): unknown; off(event: 'readings', fn: (stored: StoredReading[]) => void): unknown };
  write(name: 'alarms-apply', changes: readonly AlarmChange[]): Promise<AlarmApplied>;
}

export interface AlarmServiceOptions {
  clock?: () => number;
  tickMs?: number;
}

/** Changes made only of value updates wait this long, so an active alarm costs at most one write a second. */
const valueFlushMs = 1_000;

/**
 * Evaluates alarm rules as readings commit and as time passes.
 *
 * It listens to `pipeline.live` ('readings', after commit) rather than
 * running as a writer-thread batch hook: the rules live in memory on this
 * thread next to the console's live channel and the notifiers, the hook
 * would make every readings transaction longer, and what the engine decides
 * is rare (a state change, not a row per reading). Its writes go through the
 * writer thread as one `alarms-apply` op per turn, ordered after the readings.
 * Rules, devices and what people did to alarms are re-read when the
 * database changes (DbWatcher), never per reading.
 */
export class AlarmService {
  readonly events = new EventEmitter<{ alarm: [AlarmEvent] }>();
  private readonly engine: AlarmEngine;
  private readonly clock: () => number;
  private rules = new Map<number, EngineRule>();
  private queue: AlarmChange[] = [];
  private pendingEvents: Effect[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private tickTimer: NodeJS.Timeout | null = null;
  private readonly onReadings = (stored: StoredReading[]) => this.evaluate(stored);

  constructor(
    private readonly db: Db,
    private readonly pipeline: AlarmPipeline,
    private readonly logger: Logger,
    private readonly options: AlarmServiceOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.engine = new AlarmEngine(this.clock);
    this.events.setMaxListeners(0);
  }

  start(): void {
    this.reload(true);
    this.pipeline.live.on('readings', this.onReadings);
    this.tickTimer = setInterval(() => this.tick(), this.options.tickMs ?? 1_000);
    this.tickTimer.unref();
  }

  async stop(): Promise<void> {
    this.pipeline.live.off('readings', this.onReadings);
    if (this.tickTimer) clearInterval(this.tickTimer);
    await this.flush();
  }

  /** How many alarms the evaluator holds open (tests). */
  openCount(): number {
    return this.engine.openAlarms().length;
  }

  /** Waits until every change decided so far is written (tests; stop). */
  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.write();
    await this.flushing;
  }

  /** Re-reads rules, devices and the active alarms' acknowledgements (the database changed). */
  reload(initial = false): void {
    const rules = listAllRules(this.db).flatMap((r): EngineRule[] => (r.spec ? [{ id: r.id, orgId: r.orgId, name: r.name, enabled: r.enabled, createdAt: r.createdAt, spec: r.spec }] : []));
    this.rules = new Map(rules.map((r) => [r.id, r]));
    this.engine.setRules(rules);
    const targets = listTargets(this.db);
    for (const t of targets) this.engine.setDevice(t);
    const active = activeAlarms(this.db);
    if (initial) this.restore(targets, active);
    const byKey = new Map(active.map((a) => [`${a.ruleId}:${a.deviceId}`, a]));
    for (const open of this.engine.openAlarms()) {
      const row = byKey.get(`${open.ruleId}:${open.deviceId}`);
      this.engine.syncAlarm(open.ruleId, open.deviceId, row ? { id: row.id, ackedAt: row.acked?.at ?? null, snoozedUntil: row.snoozedUntil } : null);
    }
  }

  private restore(targets: ReturnType<typeof listTargets>, active: ReturnType<typeof activeAlarms>): void {
    for (const s of listStates(this.db)) this.engine.restore(s.ruleId, s.deviceId, { state: s.state });
    for (const a of active) {
      if (a.ruleId === null) continue;
      const level = this.rules.get(a.ruleId)?.spec.levels.findIndex((l) => l.severity === a.severity) ?? -1;
      this.engine.restore(a.ruleId, a.deviceId, {
        alarm: { id: a.id, level: Math.max(0, level), startedAt: a.startedAt, value: a.value, peak: a.peak, ackedAt: a.acked?.at ?? null, snoozedUntil: a.snoozedUntil, lastNotifiedAt: this.clock() },
      });
    }
    // "No data" counts from when the subject last reported, as stored.
    for (const rule of this.rules.values()) {
      if (rule.spec.op !== 'noData') continue;
      for (const t of targets) {
        const subject = rule.spec.subject;
        const lastAt = subject.kind === 'connectivity' ? t.lastSeenAt : variableLastTs(this.db, t.id, subject.variable);
        if (lastAt !== null) this.engine.restore(rule.id, t.id, { lastAt });
      }
    }
  }

  private evaluate(stored: readonly StoredReading[]): void {
    const out: Effect[] = [];
    for (const r of stored) {
      if (!this.engine.knowsDevice(r.deviceId)) {
        // A device created by this very write: looked up once, then known.
        const target = findTarget(this.db, r.deviceId);
        if (target) this.engine.setDevice(target);
      }
      this.engine.onReading(r, r.value, out);
    }
    if (out.length) this.apply(out);
  }

  private tick(): void {
    const out: Effect[] = [];
    this.engine.tick(out);
    if (out.length) this.apply(out);
  }

  private apply(effects: readonly Effect[]): void {
    let urgent = false;
    for (const e of effects) {
      const rule = this.rules.get(e.ruleId);
      if (!rule) continue;
      if (e.kind === 'raise') {
        const variable = rule.spec.subject.kind === 'variable' ? rule.spec.subject.variable : null;
        this.queue.push({ kind: 'raise', orgId: rule.orgId, ruleId: e.ruleId, ruleName: rule.name, deviceId: e.deviceId, variable, severity: e.severity, at: e.at, value: e.value });
      } else if (e.kind === 'escalate') this.queue.push({ kind: 'escalate', ruleId: e.ruleId, deviceId: e.deviceId, severity: e.severity, at: e.at });
      else if (e.kind === 'update') this.queue.push({ kind: 'update', ruleId: e.ruleId, deviceId: e.deviceId, value: e.value, peak: e.peak });
      else if (e.kind === 'clear') this.queue.push({ kind: 'clear', ruleId: e.ruleId, deviceId: e.deviceId, at: e.at, value: e.value });
      else if (e.kind === 'state') this.queue.push({ kind: 'state', ruleId: e.ruleId, deviceId: e.deviceId, state: e.state });
      else if (e.kind === 'remind') this.queue.push({ kind: 'remind', ruleId: e.ruleId, deviceId: e.deviceId, at: e.at });
      if (e.kind !== 'update') urgent = true;
      if (e.kind === 'raise' || e.kind === 'escalate' || e.kind === 'clear' || e.kind === 'remind') this.pendingEvents.push(e);
    }
    if (urgent) {
      if (this.flushTimer) clearTimeout(this.flushTimer);
      this.flushTimer = setTimeout(() => this.write(), 0);
    } else {
      this.flushTimer ??= setTimeout(() => this.write(), valueFlushMs);
    }
  }

  /** Hands the queued changes to the writer thread, one op at a time, in order. */
  private write(): void {
    this.flushTimer = null;
    if (this.queue.length === 0 && this.pendingEvents.length === 0) return;
    const changes = coalesce(this.queue.splice(0));
    const events = this.pendingEvents.splice(0);
    this.flushing = this.flushing
      .then(() => (changes.length ? this.pipeline.write('alarms-apply', changes) : { raised: [], cleared: [], skipped: 0 }))
      .then(
        (applied) => this.announce(events, applied),
        (err: unknown) => this.logger.error({ err, changes: changes.length }, 'alarm changes not written; the next evaluation writes its own'),
      );
  }

  private announce(effects: readonly Effect[], applied: AlarmApplied): void {
    const raisedIds = new Map(applied.raised.map((r) => [`${r.ruleId}:${r.deviceId}`, r.id]));
    const clearedIds = new Map(applied.cleared.map((r) => [`${r.ruleId}:${r.deviceId}`, r.id]));
    for (const e of effects) {
      const key = `${e.ruleId}:${e.deviceId}`;
      const rule = this.rules.get(e.ruleId);
      if (!rule) continue;
      let alarmId: number | null | undefined;
      if (e.kind === 'raise') {
        alarmId = raisedIds.get(key);
        if (alarmId !== undefined) this.engine.syncAlarm(e.ruleId, e.deviceId, { id: alarmId, ackedAt: null, snoozedUntil: null });
      } else if (e.kind === 'clear') alarmId = clearedIds.get(key);
      else alarmId = this.engine.alarmOf(e.ruleId, e.deviceId)?.id;
      if (alarmId === undefined || alarmId === null) continue;
      const severity = 'severity' in e ? e.severity : null;
      const value = 'value' in e ? e.value : null;
      this.events.emit('alarm', { kind: e.kind as AlarmEvent['kind'], alarmId, orgId: rule.orgId, ruleId: e.ruleId, ruleName: rule.name, deviceId: e.deviceId, severity, at: 'at' in e ? e.at : this.clock(), value });
    }
  }
}

/** Only the last value update and the last delay state of each rule and device are worth writing. */
function coalesce(changes: readonly AlarmChange[]): AlarmChange[] {
  const seen = new Set<string>();
  const kept: AlarmChange[] = [];
  for (let i = changes.length - 1; i >= 0; i -= 1) {
    const c = changes[i]!;
    if (c.kind === 'update' || c.kind === 'state') {
      const k = `${c.kind}:${c.ruleId}:${c.deviceId}`;
      if (seen.has(k)) continue;
      seen.add(k);
    }
    kept.push(c);
  }
  return kept.reverse();
}
