import { z } from 'zod';
import { labelSchema } from './reading';
import { severities, severityRank } from './severity';

/**
 * An alarm rule as stored and as sent through the API (docs/ALARMS.md).
 * Pure data: the hub evaluates it (src-main/alarms/engine.ts), the console
 * shows and edits it.
 */
export { severities, severityRank, type Severity } from './severity';

export const comparisons = ['>', '>=', '<', '<=', 'outside', 'inside', 'equals', 'noData'] as const;
export type Comparison = (typeof comparisons)[number];

const positiveId = z.number().int().positive();
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day is HH:MM (24-hour)');

export const ruleScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('device'), deviceId: positiveId }).strict(),
  z.object({ kind: z.literal('group'), groupId: positiveId }).strict(),
  z.object({ kind: z.literal('type'), type: z.string().trim().min(1).max(64) }).strict(),
]);
export type RuleScope = z.infer<typeof ruleScopeSchema>;

/** One threshold of a rule: `value` for comparisons, `low`/`high` for ranges, `minutes` for no data. */
export const ruleLevelSchema = z
  .object({
    severity: z.enum(severities),
    value: z.number().finite().optional(),
    low: z.number().finite().optional(),
    high: z.number().finite().optional(),
    minutes: z.number().positive().max(7 * 24 * 60).optional(),
  })
  .strict();
export type RuleLevel = z.infer<typeof ruleLevelSchema>;

/** A window of the hub's local time; `from` later than `to` wraps past midnight. */
export const hoursSchema = z.object({ from: clock, to: clock }).strict();
export type Hours = z.infer<typeof hoursSchema>;

export const ruleSpecSchema = z
  .object({
    scope: ruleScopeSchema,
    /** A variable's readings, or (`connectivity`) whether the device sends anything at all. */
    subject: z.discriminatedUnion('kind', [z.object({ kind: z.literal('variable'), variable: labelSchema }).strict(), z.object({ kind: z.literal('connectivity') }).strict()]),
    op: z.enum(comparisons),
    /** From the least to the most severe: an active alarm escalates when a later level's condition holds. */
    levels: z.array(ruleLevelSchema).min(1).max(4),
    /** Raise only once the condition has held this long and for this many readings in a row. */
    delay: z.object({ seconds: z.number().int().min(0).max(86_400).default(0), readings: z.number().int().min(1).max(1000).default(1) }).strict().default({ seconds: 0, readings: 1 }),
    /** Clear on the inverse of the first level's condition, moved by `deadband` away from it (hysteresis), held this long. */
    clear: z
      .object({ deadband: z.number().min(0).finite().default(0), seconds: z.number().int().min(0).max(86_400).default(0), readings: z.number().int().min(1).max(1000).default(1) })
      .strict()
      .default({ deadband: 0, seconds: 0, readings: 1 }),
    /** Alarms are raised only inside these hours (hub local time); they clear at any time. */
    activeHours: hoursSchema.optional(),
    /** Notifications queued inside these hours (hub local time) are held until they end; the alarm itself is raised as usual. */
    quietHours: hoursSchema.optional(),
    /** Reminder every N minutes while the alarm is active, unacknowledged and not snoozed. */
    reminderMinutes: z.number().int().min(1).max(10_080).optional(),
    /** Notification channels (ids of the organisation's `alarmChannels`) told of this rule's alarm events. */
    channels: z.array(z.number().int().positive()).max(20).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (s.subject.kind === 'connectivity' && s.op !== 'noData') issue('a connectivity rule uses op "noData"');
    s.levels.forEach((l, i) => {
      const at = `level ${i + 1}`;
      if (s.op === 'noData' && l.minutes === undefined) issue(`${at}: "noData" needs minutes`);
      if ((s.op === 'outside' || s.op === 'inside') && (l.low === undefined || l.high === undefined || l.low >= l.high)) issue(`${at}: "${s.op}" needs low < high`);
      if (['>', '>=', '<', '<=', 'equals'].includes(s.op) && l.value === undefined) issue(`${at}: "${s.op}" needs a value`);
    });
    for (let i = 1; i < s.levels.length; i += 1) {
      if (severityRank(s.levels[i]!.severity) <= severityRank(s.levels[i - 1]!.severity)) issue('levels go from the least to the most severe');
    }
  });
export type RuleSpec = z.output<typeof ruleSpecSchema>;
export type RuleSpecInput = z.input<typeof ruleSpecSchema>;

const minutesOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));

/** The first moment after `now` at which the hours end (their `to`, hub local time). */
export function hoursEnd(hours: Hours, now: number): number {
  const end = new Date(now);
  end.setHours(Math.floor(minutesOf(hours.to) / 60), minutesOf(hours.to) % 60, 0, 0);
  // setDate keeps the wall-clock time across a daylight-saving change, which adding 24 h would not.
  if (end.getTime() <= now) end.setDate(end.getDate() + 1);
  return end.getTime();
}

/** Whether `now` (ms) falls inside the hours, in the hub's local time. */
export function withinHours(hours: Hours | undefined, now: number): boolean {
  if (!hours) return true;
  const d = new Date(now);
  const minute = d.getHours() * 60 + d.getMinutes();
  const [from, to] = [hours.from, hours.to].map(minutesOf);
  return from! <= to! ? minute >= from! && minute < to! : minute >= from! || minute < to!;
}
