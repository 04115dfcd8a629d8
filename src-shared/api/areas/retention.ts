import { z } from 'zod';

/** Days kept; null = forever. */
const days = z.number().int().min(1).max(36_500).nullable();

export const retentionPolicySchema = z.object({ rawDays: days, rollup1mDays: days, rollup1hDays: days });

/** Retention of the caller's organisation (docs/STEWARDSHIP.md). Audit retention is hub-wide: `hubSettings.set audit-retention-days`. */
export const retentionMethods = {
  'retention.get': {
    input: z.object({}).strict(),
    output: retentionPolicySchema,
    permission: 'settings:admin',
    description: 'How long this organisation keeps raw readings, 1-minute and 1-hour rollups (days; null = forever).',
  },
  'retention.update': {
    input: retentionPolicySchema.partial().strict(),
    output: retentionPolicySchema,
    permission: 'settings:admin',
    kind: 'write',
    description: 'Changes the retention periods it names; older rows are purged in the background within the hour.',
  },
} as const;
