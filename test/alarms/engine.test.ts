import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ruleSpecSchema, type RuleSpecInput } from '../../src-shared/alarm-rule';
import { AlarmEngine, type Effect, type EngineRule, type SlotState } from '../../src-main/alarms/engine';

const minute = 60_000;

/** An engine on a hand-moved clock, one device (id 1, type "fridge", group 7) in organisation 1. */
function setup(spec: RuleSpecInput, start = Date.UTC(2026, 0, 5, 12)) {
  let now = start;
  const engine = new AlarmEngine(() => now);
  const rule: EngineRule = { id: 10, orgId: 1, name: 'r', enabled: true, createdAt: start, spec: ruleSpecSchema.parse(spec) };
  engine.setRules([rule]);
  engine.setDevice({ id: 1, orgId: 1, type: 'fridge', groupIds: [7] });
  const effects: Effect[] = [];
  return {
    engine,
    rule,
    effects,
    advance(ms: number) {
      now += ms;
    },
    now: () => now,
    read(value: number, variable = 't') {
      const out: Effect[] = [];
      engine.onReading({ orgId: 1, deviceId: 1, variable }, value, out);
      effects.push(...out);
      return out;
    },
    tick() {
      const out: Effect[] = [];
      engine.tick(out);
      effects.push(...out);
      return out;
    },
    kinds: (list: Effect[]) => list.filter((e) => e.kind !== 'state' && e.kind !== 'update').map((e) => ('severity' in e ? `${e.kind}:${e.severity}` : e.kind)),
  };
}

const above30: RuleSpecInput = { scope: { kind: 'device', deviceId: 1 }, subject: { kind: 'variable', variable: 't' }, op: '>', levels: [{ severity: 'major', value: 30 }] };

describe('alarm rule semantics', () => {
  test('a threshold raises once and the alarm stays open while it holds', () => {
    const t = setup(above30);
    assert.deepEqual(t.kinds(t.read(29)), []);
    assert.deepEqual(t.kinds(t.read(30)), [], '> is strict');
    assert.deepEqual(t.kinds(t.read(31)), ['raise:major']);
    assert.deepEqual(t.kinds(t.read(35)), [], 'a repeat updates the open alarm, it does not raise another');
    assert.equal(t.engine.alarmOf(10, 1)?.peak, 35);
    assert.deepEqual(t.kinds(t.read(20)), ['clear']);
    assert.equal(t.engine.alarmOf(10, 1), null);
  });

  test('other variables, devices and organisations are not evaluated', () => {
    const t = setup(above30);
    assert.deepEqual(t.read(99, 'h'), []);
    const out: Effect[] = [];
    t.engine.setDevice({ id: 2, orgId: 2, type: 'fridge', groupIds: [7] });
    t.engine.onReading({ orgId: 2, deviceId: 2, variable: 't' }, 99, out);
    assert.deepEqual(out, []);
  });

  test('every comparison and the range conditions', () => {
    const cases: Array<[RuleSpecInput['op'], object, number[], number[]]> = [
      ['>=', { value: 5 }, [5, 6], [4.9]],
      ['<', { value: 5 }, [4.9], [5]],
      ['<=', { value: 5 }, [5], [5.1]],
      ['equals', { value: 1 }, [1], [0, 2]],
      ['outside', { low: 2, high: 8 }, [1.9, 8.1], [2, 5, 8]],
      ['inside', { low: 2, high: 8 }, [2, 5, 8], [1.9, 8.1]],
    ];
    for (const [op, level, raising, quiet] of cases) {
      for (const v of raising) {
        const t = setup({ ...above30, op, levels: [{ severity: 'minor', ...level }] });
        assert.deepEqual(t.kinds(t.read(v)), ['raise:minor'], `${op} ${JSON.stringify(level)} raises on ${v}`);
      }
      for (const v of quiet) {
        const t = setup({ ...above30, op, levels: [{ severity: 'minor', ...level }] });
        assert.deepEqual(t.kinds(t.read(v)), [], `${op} ${JSON.stringify(level)} is quiet on ${v}`);
      }
    }
  });

  test('scope by group and by device type', () => {
    for (const scope of [{ kind: 'group', groupId: 7 }, { kind: 'type', type: 'fridge' }] as RuleSpecInput['scope'][]) {
      const t = setup({ ...above30, scope });
      assert.deepEqual(t.kinds(t.read(31)), ['raise:major'], scope.kind);
      const out: Effect[] = [];
      t.engine.setDevice({ id: 3, orgId: 1, type: 'boiler', groupIds: [8] });
      t.engine.onReading({ orgId: 1, deviceId: 3, variable: 't' }, 99, out);
      assert.deepEqual(out, [], `${scope.kind}: a device outside the scope is not evaluated`);
    }
  });

  test('delay by time: raises only once the condition has held 10 minutes, on the timer, and a dip starts over', () => {
    const t = setup({ ...above30, delay: { seconds: 600 } });
    t.read(31);
    t.advance(5 * minute);
    assert.deepEqual(t.kinds(t.tick()), []);
    t.read(29);
    t.advance(6 * minute);
    assert.deepEqual(t.kinds(t.tick()), [], 'the dip reset the delay');
    t.read(32);
    t.advance(9 * minute);
    assert.deepEqual(t.kinds(t.tick()), []);
    t.advance(minute);
    const raised = t.tick();
    assert.deepEqual(t.kinds(raised), ['raise:major'], 'raised by the timer, with no new reading');
    assert.equal((raised[0] as { value: number }).value, 32, 'with the last value seen');
  });

  test('delay by count: N consecutive readings', () => {
    const t = setup({ ...above30, delay: { readings: 3 } });
    assert.deepEqual(t.kinds([...t.read(31), ...t.read(31)]), []);
    t.read(10);
    assert.deepEqual(t.kinds([...t.read(31), ...t.read(31)]), [], 'a reading below the threshold starts the count over');
    assert.deepEqual(t.kinds(t.read(31)), ['raise:major']);
  });

  test('hysteresis: values around the threshold neither flap nor clear until past the deadband', () => {
    const t = setup({ ...above30, clear: { deadband: 2 } });
    const all: Effect[] = [];
    for (const v of [31, 29.5, 30.5, 28.5, 31, 29]) all.push(...t.read(v));
    assert.deepEqual(t.kinds(all), ['raise:major'], 'one alarm for the whole wobble');
    assert.deepEqual(t.kinds(t.read(28)), ['clear'], '28 is 30 - 2: clears');
    assert.deepEqual(t.kinds([...t.read(29), ...t.read(30)]), [], 'back near the threshold but not over it: quiet');
  });

  test('clear has its own delay', () => {
    const t = setup({ ...above30, clear: { seconds: 120, readings: 2 } });
    t.read(35);
    assert.deepEqual(t.kinds(t.read(20)), []);
    t.advance(2 * minute);
    assert.deepEqual(t.kinds(t.tick()), [], 'two readings are needed as well');
    assert.deepEqual(t.kinds(t.read(20)), ['clear']);
  });

  test('escalation through several thresholds, upwards only while active', () => {
    const t = setup({
      ...above30,
      levels: [
        { severity: 'warning', value: 30 },
        { severity: 'major', value: 40 },
        { severity: 'critical', value: 50 },
      ],
    });
    assert.deepEqual(t.kinds(t.read(31)), ['raise:warning']);
    assert.deepEqual(t.kinds(t.read(45)), ['escalate:major']);
    assert.deepEqual(t.kinds(t.read(41)), []);
    assert.deepEqual(t.kinds(t.read(55)), ['escalate:critical']);
    assert.deepEqual(t.kinds(t.read(35)), [], 'stays critical until it clears');
    assert.equal(t.engine.alarmOf(10, 1)?.peak, 55);
    assert.deepEqual(t.kinds(t.read(10)), ['clear']);
    assert.deepEqual(t.kinds(t.read(60)), ['raise:critical'], 'a first reading past every level raises at the top');
  });

  test('no data for a variable: raises after N minutes of silence, escalates, clears on the next reading', () => {
    const t = setup({
      ...above30,
      op: 'noData',
      levels: [
        { severity: 'minor', minutes: 10 },
        { severity: 'critical', minutes: 30 },
      ],
    });
    t.read(1);
    t.advance(9 * minute);
    t.read(1, 'h');
    assert.deepEqual(t.kinds(t.tick()), [], 'another variable does not count as t');
    t.advance(minute);
    assert.deepEqual(t.kinds(t.tick()), ['raise:minor']);
    t.advance(20 * minute);
    assert.deepEqual(t.kinds(t.tick()), ['escalate:critical']);
    assert.deepEqual(t.kinds(t.read(5)), ['clear']);
  });

  test('no data for a device (connectivity): any variable counts; a device never heard from counts from the rule creation', () => {
    const t = setup({ scope: { kind: 'type', type: 'fridge' }, subject: { kind: 'connectivity' }, op: 'noData', levels: [{ severity: 'major', minutes: 5 }] });
    t.advance(5 * minute);
    assert.deepEqual(t.kinds(t.tick()), ['raise:major'], 'never reported since the rule existed');
    assert.deepEqual(t.kinds(t.read(1, 'anything')), ['clear']);
    t.advance(4 * minute);
    t.read(1, 'other');
    t.advance(4 * minute);
    assert.deepEqual(t.kinds(t.tick()), []);
    t.advance(minute);
    assert.deepEqual(t.kinds(t.tick()), ['raise:major']);
  });

  test('reminders every N minutes until acknowledged; snooze holds them until its time', () => {
    const t = setup({ ...above30, reminderMinutes: 15 });
    t.read(31);
    t.advance(14 * minute);
    assert.deepEqual(t.kinds(t.tick()), []);
    t.advance(minute);
    assert.deepEqual(t.kinds(t.tick()), ['remind:major']);
    t.advance(15 * minute);
    assert.deepEqual(t.kinds(t.tick()), ['remind:major']);
    t.engine.syncAlarm(10, 1, { id: 5, ackedAt: null, snoozedUntil: t.now() + 60 * minute });
    t.advance(45 * minute);
    assert.deepEqual(t.kinds(t.tick()), [], 'snoozed');
    t.advance(15 * minute);
    assert.deepEqual(t.kinds(t.tick()), ['remind:major'], 'snooze over: reminded at once');
    t.engine.syncAlarm(10, 1, { id: 5, ackedAt: t.now(), snoozedUntil: null });
    t.advance(60 * minute);
    assert.deepEqual(t.kinds(t.tick()), [], 'acknowledged: no more reminders');
    assert.ok(t.engine.alarmOf(10, 1), 'acknowledging does not clear');
  });

  test('a manual clear starts the condition over', () => {
    const t = setup({ ...above30, delay: { readings: 2 } });
    t.read(31);
    t.read(31);
    t.engine.syncAlarm(10, 1, { id: 5, ackedAt: null, snoozedUntil: null });
    t.engine.syncAlarm(10, 1, null);
    assert.equal(t.engine.alarmOf(10, 1), null);
    assert.deepEqual(t.kinds(t.read(31)), []);
    assert.deepEqual(t.kinds(t.read(31)), ['raise:major']);
  });

  test('active hours: raised only inside them; an open alarm clears outside', () => {
    const at = (h: number, m = 0) => new Date(2026, 0, 5, h, m).getTime();
    const t = setup({ ...above30, activeHours: { from: '08:00', to: '18:00' } }, at(7, 30));
    assert.deepEqual(t.kinds(t.read(35)), [], '07:30 is outside');
    t.advance(at(8) - t.now());
    assert.deepEqual(t.kinds(t.read(35)), ['raise:major']);
    t.advance(at(19) - t.now());
    assert.deepEqual(t.kinds(t.read(10)), ['clear']);
    const night = setup({ ...above30, activeHours: { from: '22:00', to: '06:00' } }, at(23));
    assert.deepEqual(night.kinds(night.read(35)), ['raise:major'], 'a window past midnight');
  });

  test('restart in the middle of a 10-minute delay raises on time', () => {
    const first = setup({ ...above30, delay: { seconds: 600 } });
    first.read(31);
    const saved = first.effects.filter((e): e is Extract<Effect, { kind: 'state' }> => e.kind === 'state').at(-1)!.state as SlotState;
    assert.ok(saved.pendingSince !== null, 'the pending delay is among the effects the service persists');
    first.advance(4 * minute);

    // A new engine, as after a restart, given what was persisted.
    let now = first.now();
    const engine = new AlarmEngine(() => now);
    engine.setRules([first.rule]);
    engine.setDevice({ id: 1, orgId: 1, type: 'fridge', groupIds: [7] });
    engine.restore(10, 1, { state: saved });
    const out: Effect[] = [];
    now += 5 * minute;
    engine.tick(out);
    assert.deepEqual(out.filter((e) => e.kind === 'raise'), [], 'nine minutes after the condition started: not yet');
    now += minute;
    engine.tick(out);
    assert.equal(out.filter((e) => e.kind === 'raise').length, 1, 'ten minutes after it started: raised, by the restarted engine');
  });

  test('a disabled or removed rule stops evaluating', () => {
    const t = setup(above30);
    t.engine.setRules([{ ...t.rule, enabled: false }]);
    assert.deepEqual(t.read(99), []);
    t.engine.setRules([]);
    assert.deepEqual(t.read(99), []);
  });

  test('bad rules are refused with a reason', () => {
    const bad: Array<[object, RegExp]> = [
      [{ ...above30, levels: [{ severity: 'major' }] }, /needs a value/],
      [{ ...above30, op: 'outside', levels: [{ severity: 'major', low: 5, high: 1 }] }, /low < high/],
      [{ ...above30, op: 'noData', levels: [{ severity: 'major' }] }, /needs minutes/],
      [{ ...above30, subject: { kind: 'connectivity' } }, /connectivity rule uses op "noData"/],
      [
        {
          ...above30,
          levels: [
            { severity: 'major', value: 1 },
            { severity: 'minor', value: 2 },
          ],
        },
        /least to the most severe/,
      ],
      [{ ...above30, activeHours: { from: '25:00', to: '06:00' } }, /HH:MM/],
    ];
    for (const [spec, message] of bad) {
      const r = ruleSpecSchema.safeParse(spec);
      assert.ok(!r.success);
      assert.match(r.error.issues.map((i) => i.message).join('; '), message);
    }
  });
});
