import type { RuleLevel, RuleSpec } from '../../src-shared/alarm-rule';

/** Whether one level's condition holds for a value (never for `noData`, which is about time). */
function holds(op: RuleSpec['op'], level: RuleLevel, v: number): boolean {
  switch (op) {
    case '>':
      return v > level.value!;
    case '>=':
      return v >= level.value!;
    case '<':
      return v < level.value!;
    case '<=':
      return v <= level.value!;
    case 'outside':
      return v < level.low! || v > level.high!;
    case 'inside':
      return v >= level.low! && v <= level.high!;
    case 'equals':
      return v === level.value;
    case 'noData':
      return false;
  }
}

/** The most severe level whose condition the value meets, or -1. */
export function matchingLevel(spec: RuleSpec, v: number): number {
  for (let i = spec.levels.length - 1; i >= 0; i -= 1) if (holds(spec.op, spec.levels[i]!, v)) return i;
  return -1;
}

/**
 * The clear condition: the inverse of the first (least severe) level's
 * condition, moved `deadband` further away, so a value wandering around the
 * threshold does not raise and clear in turn (hysteresis).
 */
export function clearHolds(spec: RuleSpec, v: number): boolean {
  const l = spec.levels[0]!;
  const d = spec.clear.deadband;
  switch (spec.op) {
    case '>':
      return v <= l.value! - d;
    case '>=':
      return v < l.value! - d;
    case '<':
      return v >= l.value! + d;
    case '<=':
      return v > l.value! + d;
    case 'outside':
      return v >= l.low! + d && v <= l.high! - d;
    case 'inside':
      return v < l.low! - d || v > l.high! + d;
    case 'equals':
      return Math.abs(v - l.value!) > d;
    case 'noData':
      return true;
  }
}

/** Which of two values is worse for this rule: the peak an alarm keeps. */
export function worse(spec: RuleSpec, a: number, b: number): number {
  const l = spec.levels[0]!;
  switch (spec.op) {
    case '>':
    case '>=':
      return Math.max(a, b);
    case '<':
    case '<=':
      return Math.min(a, b);
    case 'outside': {
      const excess = (v: number) => Math.max(l.low! - v, v - l.high!);
      return excess(b) > excess(a) ? b : a;
    }
    default:
      return a;
  }
}
