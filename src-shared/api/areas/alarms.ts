import { z } from 'zod';
import { idSchema, nameSchema, ok } from './common';
import { ruleSpecSchema, severities } from '../../alarm-rule';

const ruleSchema = z.object({
  id: idSchema,
  name: z.string(),
  enabled: z.boolean(),
  /** Null when the stored rule no longer reads as a rule (edited outside Outpost): it is not evaluated. */
  spec: ruleSpecSchema.nullable(),
  createdBy: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type AlarmRule = z.infer<typeof ruleSchema>;

export const alarmSchema = z.object({
  id: idSchema,
  ruleId: idSchema.nullable(),
  ruleName: z.string(),
  deviceId: idSchema,
  deviceLabel: z.string(),
  variable: z.string().nullable(),
  severity: z.enum(severities),
  state: z.enum(['active', 'cleared']),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  value: z.number().nullable(),
  peak: z.number().nullable(),
  severityHistory: z.array(z.object({ severity: z.enum(severities), at: z.number() })),
  acked: z.object({ at: z.number(), by: z.string(), comment: z.string() }).nullable(),
  /** Who cleared it by hand; null while active or when its rule cleared it. */
  clearedBy: z.string().nullable(),
  snoozedUntil: z.number().nullable(),
});
export type Alarm = z.infer<typeof alarmSchema>;

const alarmRef = { alarmId: idSchema };
const commentSchema = z.string().trim().max(500);

export const alarmsMethods = {
  'alarmRules.list': {
    input: z.object({}).strict(),
    output: z.array(ruleSchema),
    permission: 'alarms:admin',
    description: 'The organisation’s alarm rules.',
  },
  'alarmRules.create': {
    input: z.object({ name: nameSchema, enabled: z.boolean().default(true), spec: ruleSpecSchema }).strict(),
    output: ruleSchema,
    permission: 'alarms:admin',
    kind: 'write',
    description: 'Creates an alarm rule (docs/ALARMS.md). A device or group it names must be of the organisation.',
  },
  'alarmRules.update': {
    input: z.object({ ruleId: idSchema, name: nameSchema.optional(), enabled: z.boolean().optional(), spec: ruleSpecSchema.optional() }).strict(),
    output: ruleSchema,
    permission: 'alarms:admin',
    kind: 'write',
    description: 'Changes a rule. Open alarms stay open and are judged by the new rule from the next reading; disabling a rule clears its open alarms.',
  },
  'alarmRules.remove': {
    input: z.object({ ruleId: idSchema }).strict(),
    output: ok,
    permission: 'alarms:admin',
    kind: 'write',
    description: 'Removes a rule and clears its open alarms; its alarms stay in the history.',
  },
  'alarms.list': {
    input: z
      .object({
        state: z.enum(['active', 'cleared']).optional(),
        severity: z.enum(severities).optional(),
        deviceId: idSchema.optional(),
        acknowledged: z.boolean().optional(),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    output: z.array(alarmSchema),
    permission: 'devices:read',
    devices: 'list',
    description: 'Alarms of the devices the caller may see, newest first. A device the caller may not see gives an empty list, as one without alarms does.',
  },
  'alarms.summary': {
    input: z.object({}).strict(),
    output: z.object({ activeUnacknowledged: z.number().int(), active: z.number().int(), bySeverity: z.record(z.enum(severities), z.number().int()) }),
    permission: 'devices:read',
    devices: 'list',
    description: 'Counts of active alarms of the devices the caller may see (the console’s header badge).',
  },
  'alarms.ack': {
    input: z.object({ ...alarmRef, comment: commentSchema.default('') }).strict(),
    output: alarmSchema,
    permission: 'alarms:ack',
    kind: 'write',
    description: 'Acknowledges an alarm, with a comment. It stays active until its condition clears. Refused with ALARM_ACKNOWLEDGED if someone already did.',
  },
  'alarms.clear': {
    input: z.object({ ...alarmRef }).strict(),
    output: alarmSchema,
    permission: 'alarms:ack',
    kind: 'write',
    description: 'Clears an active alarm by hand. If the condition still holds, the rule raises a new one after its delay.',
  },
  'alarms.snooze': {
    input: z.object({ ...alarmRef, until: z.number().int().positive().nullable() }).strict(),
    output: alarmSchema,
    permission: 'alarms:ack',
    kind: 'write',
    description: 'Holds an active alarm’s reminders and notifications until a time (ms since the epoch); null ends the snooze.',
  },
} as const;
