import { withinHours, type RuleSpec, type Severity } from '../../src-shared/alarm-rule';
import { clearHolds, matchingLevel, worse } from './conditions';

/**
 * The rule semantics, pure: no database, no timers, an injected clock. The
 * alarm service (service.ts) feeds it committed readings and a timer tick,
 * and persists the effects it returns; tests drive it directly
 * (test/alarms/engine.test.ts).
 *
 * Times are the hub's clock when a reading was committed, not the reading's
 * own timestamp: a device replaying old readings must not make an alarm
 * seem to have held for hours, and the timer runs on the same clock.
 */
export interface EngineRule {
  id: number;
  orgId: number;
  name: string;
  enabled: boolean;
  createdAt: number;
  spec: RuleSpec;
}

export interface EngineDevice {
  id: number;
  orgId: number;
  type: string | null;
  groupIds: readonly number[];
}

/** What survives a restart of one rule on one device (table alarm_states). */
export interface SlotState {
  pendingSince: number | null;
  pendingCount: number;
  pendingLevel: number;
  /** The last value while pending: a delay that runs out on the timer raises with it. */
  pendingValue: number | null;
  clearSince: number | null;
  clearCount: number;
}

/** The open (active) alarm of one rule on one device, as the engine needs it. */
export interface OpenAlarm {
  /** Null until its row is written. */
  id: number | null;
  level: number;
  startedAt: number;
  value: number | null;
  peak: number | null;
  ackedAt: number | null;
  snoozedUntil: number | null;
  lastNotifiedAt: number;
}

interface Key {
  ruleId: number;
  deviceId: number;
}

export type Effect =
  | (Key & { kind: 'raise'; severity: Severity; at: number; value: number | null })
  | (Key & { kind: 'escalate'; severity: Severity; at: number; value: number | null })
  | (Key & { kind: 'update'; at: number; value: number; peak: number })
  | (Key & { kind: 'clear'; at: number; value: number | null })
  | (Key & { kind: 'remind'; at: number; severity: Severity })
  | (Key & { kind: 'state'; state: SlotState | null });

interface Slot extends Key {
  rule: EngineRule;
  state: SlotState;
  /** When this rule last saw the device's variable (or, for connectivity, the device) report. */
  lastAt: number | null;
  alarm: OpenAlarm | null;
}

export const idleState = (): SlotState => ({ pendingSince: null, pendingCount: 0, pendingLevel: -1, pendingValue: null, clearSince: null, clearCount: 0 });
const isIdle = (s: SlotState) => s.pendingSince === null && s.clearSince === null;
const slotKey = (ruleId: number, deviceId: number) => `${ruleId}:${deviceId}`;

function inScope(rule: EngineRule, d: EngineDevice): boolean {
  if (rule.orgId !== d.orgId) return false;
  const s = rule.spec.scope;
  if (s.kind === 'device') return s.deviceId === d.id;
  if (s.kind === 'group') return d.groupIds.includes(s.groupId);
  return s.type === d.type;
}

export class AlarmEngine {
  private rules: EngineRule[] = [];
  private readonly devices = new Map<number, EngineDevice>();
  /** Each device's slots by variable (and those watching any variable): the hot path asks two maps per reading. */
  private readonly byDevice = new Map<number, { byVariable: Map<string, Slot[]>; any: Slot[] }>();
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** Replaces the rule set (enabled rules only are evaluated); slots of rules that are gone are dropped. */
  setRules(rules: readonly EngineRule[]): void {
    this.rules = rules.filter((r) => r.enabled);
    const ids = new Set(this.rules.map((r) => r.id));
    for (const [k, slot] of this.slots) if (!ids.has(slot.ruleId)) this.slots.delete(k);
    this.byDevice.clear();
    for (const d of this.devices.values()) this.index(d);
  }

  /** Adds or replaces a device (its type and groups decide which rules apply). */
  setDevice(d: EngineDevice): void {
    this.devices.set(d.id, d);
    this.index(d);
  }

  knowsDevice(id: number): boolean {
    return this.devices.has(id);
  }

  /** Restores what was persisted: delay counters, open alarms and when the subject last reported. */
  restore(ruleId: number, deviceId: number, what: { state?: SlotState; alarm?: OpenAlarm; lastAt?: number | null }): void {
    const slot = this.slots.get(slotKey(ruleId, deviceId));
    if (!slot) return;
    if (what.state) slot.state = { ...what.state };
    if (what.alarm) slot.alarm = { ...what.alarm };
    if (what.lastAt !== undefined) slot.lastAt = what.lastAt;
  }

  /** The open alarm of a rule on a device, if any. */
  alarmOf(ruleId: number, deviceId: number): OpenAlarm | null {
    return this.slots.get(slotKey(ruleId, deviceId))?.alarm ?? null;
  }

  openAlarms(): Array<Key & { alarm: OpenAlarm }> {
    return [...this.slots.values()].filter((s) => s.alarm).map((s) => ({ ruleId: s.ruleId, deviceId: s.deviceId, alarm: s.alarm! }));
  }

  /**
   * What people did to an alarm in the database (acknowledged, snoozed,
   * cleared by hand): `row` is the alarm's active row, or null when it is
   * not active any more. An alarm not yet written (id null) is left alone.
   */
  syncAlarm(ruleId: number, deviceId: number, row: { id: number; ackedAt: number | null; snoozedUntil: number | null } | null): void {
    const slot = this.slots.get(slotKey(ruleId, deviceId));
    if (!slot?.alarm) return;
    if (row === null) {
      if (slot.alarm.id === null) return;
      // Cleared by hand: the condition starts over, so it raises again only after its delay.
      slot.alarm = null;
      slot.state = idleState();
      return;
    }
    slot.alarm.id = row.id;
    slot.alarm.ackedAt = row.ackedAt;
    slot.alarm.snoozedUntil = row.snoozedUntil;
  }

  /** Evaluates one committed reading. Returns nothing to do in the common case without allocating. */
  onReading(r: { orgId: number; deviceId: number; variable: string }, value: number, out: Effect[]): void {
    const idx = this.byDevice.get(r.deviceId);
    if (!idx) return;
    const slots = idx.byVariable.get(r.variable);
    if (!slots && idx.any.length === 0) return;
    const now = this.clock();
    if (slots) for (const slot of slots) this.onSlotReading(slot, value, now, out);
    for (const slot of idx.any) this.onSlotReading(slot, value, now, out);
  }

  private onSlotReading(slot: Slot, value: number, now: number, out: Effect[]): void {
    slot.lastAt = now;
    if (slot.rule.spec.op !== 'noData') this.evaluate(slot, value, now, out);
    else if (slot.alarm) this.clear(slot, now, value, out);
  }

  /** Time-driven work: delays that ran out, no data, reminders. Call every second or so. */
  tick(out: Effect[]): void {
    const now = this.clock();
    for (const slot of this.slots.values()) {
      const { spec } = slot.rule;
      const s = slot.state;
      if (spec.op === 'noData') {
        this.checkSilence(slot, now, out);
      } else if (!slot.alarm && s.pendingSince !== null && this.raiseDue(slot, now)) {
        this.raise(slot, s.pendingLevel, now, s.pendingValue, out);
      } else if (slot.alarm && s.clearSince !== null && now - s.clearSince >= spec.clear.seconds * 1000 && s.clearCount >= spec.clear.readings) {
        this.clear(slot, now, slot.alarm.value, out);
      }
      this.remind(slot, now, out);
    }
  }

  private evaluate(slot: Slot, v: number, now: number, out: Effect[]): void {
    const { spec } = slot.rule;
    const s = slot.state;
    const level = matchingLevel(spec, v);
    const alarm = slot.alarm;
    if (alarm) {
      alarm.value = v;
      alarm.peak = alarm.peak === null ? v : worse(spec, alarm.peak, v);
      out.push({ kind: 'update', ruleId: slot.ruleId, deviceId: slot.deviceId, at: now, value: v, peak: alarm.peak });
      if (level > alarm.level) {
        alarm.level = level;
        out.push({ kind: 'escalate', ruleId: slot.ruleId, deviceId: slot.deviceId, severity: spec.levels[level]!.severity, at: now, value: v });
      }
      if (clearHolds(spec, v)) {
        s.clearSince ??= now;
        s.clearCount += 1;
        if (now - s.clearSince >= spec.clear.seconds * 1000 && s.clearCount >= spec.clear.readings) this.clear(slot, now, v, out);
        else this.saveState(slot, out);
      } else if (s.clearSince !== null) {
        s.clearSince = null;
        s.clearCount = 0;
        this.saveState(slot, out);
      }
      return;
    }
    if (level >= 0 && withinHours(spec.activeHours, now)) {
      s.pendingSince ??= now;
      s.pendingCount += 1;
      s.pendingLevel = level;
      s.pendingValue = v;
      if (this.raiseDue(slot, now)) this.raise(slot, level, now, v, out);
      else this.saveState(slot, out);
    } else if (s.pendingSince !== null) {
      slot.state = idleState();
      this.saveState(slot, out);
    }
  }

  private raiseDue(slot: Slot, now: number): boolean {
    const { delay, activeHours } = slot.rule.spec;
    const s = slot.state;
    return s.pendingSince !== null && now - s.pendingSince >= delay.seconds * 1000 && s.pendingCount >= delay.readings && withinHours(activeHours, now);
  }

  private checkSilence(slot: Slot, now: number, out: Effect[]): void {
    const { spec } = slot.rule;
    const silentMs = now - (slot.lastAt ?? slot.rule.createdAt);
    let level = -1;
    spec.levels.forEach((l, i) => {
      if (silentMs >= l.minutes! * 60_000) level = i;
    });
    if (level < 0) return;
    if (!slot.alarm) {
      if (withinHours(spec.activeHours, now)) this.raise(slot, level, now, null, out);
    } else if (level > slot.alarm.level) {
      slot.alarm.level = level;
      out.push({ kind: 'escalate', ruleId: slot.ruleId, deviceId: slot.deviceId, severity: spec.levels[level]!.severity, at: now, value: null });
    }
  }

  private raise(slot: Slot, level: number, now: number, value: number | null, out: Effect[]): void {
    slot.alarm = { id: null, level, startedAt: now, value, peak: value, ackedAt: null, snoozedUntil: null, lastNotifiedAt: now };
    slot.state = idleState();
    out.push({ kind: 'raise', ruleId: slot.ruleId, deviceId: slot.deviceId, severity: slot.rule.spec.levels[level]!.severity, at: now, value });
    this.saveState(slot, out);
  }

  private clear(slot: Slot, now: number, value: number | null, out: Effect[]): void {
    slot.alarm = null;
    slot.state = idleState();
    out.push({ kind: 'clear', ruleId: slot.ruleId, deviceId: slot.deviceId, at: now, value });
    this.saveState(slot, out);
  }

  private remind(slot: Slot, now: number, out: Effect[]): void {
    const a = slot.alarm;
    const every = slot.rule.spec.reminderMinutes;
    if (!a || every === undefined || a.ackedAt !== null) return;
    if (a.snoozedUntil !== null && now < a.snoozedUntil) return;
    if (now - a.lastNotifiedAt < every * 60_000) return;
    a.lastNotifiedAt = now;
    out.push({ kind: 'remind', ruleId: slot.ruleId, deviceId: slot.deviceId, at: now, severity: slot.rule.spec.levels[a.level]!.severity });
  }

  private saveState(slot: Slot, out: Effect[]): void {
    out.push({ kind: 'state', ruleId: slot.ruleId, deviceId: slot.deviceId, state: isIdle(slot.state) ? null : { ...slot.state } });
  }

  /** Which rules watch this device: a slot per rule (created once, kept across rule reloads), indexed by variable. */
  private index(d: EngineDevice): void {
    const idx = { byVariable: new Map<string, Slot[]>(), any: [] as Slot[] };
    for (const rule of this.rules) {
      const k = slotKey(rule.id, d.id);
      if (!inScope(rule, d)) {
        // A rule whose scope no longer covers the device stops watching it.
        this.slots.delete(k);
        continue;
      }
      let slot = this.slots.get(k);
      if (slot) slot.rule = rule;
      else this.slots.set(k, (slot = { ruleId: rule.id, deviceId: d.id, rule, state: idleState(), lastAt: null, alarm: null }));
      const subject = rule.spec.subject;
      if (subject.kind === 'connectivity') idx.any.push(slot);
      else idx.byVariable.set(subject.variable, [...(idx.byVariable.get(subject.variable) ?? []), slot]);
    }
    if (idx.any.length || idx.byVariable.size) this.byDevice.set(d.id, idx);
    else this.byDevice.delete(d.id);
  }
}
