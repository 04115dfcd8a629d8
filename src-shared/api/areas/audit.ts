import { z } from 'zod';
import { empty } from './common';

export const entrySchema = z.object({
  id: z.number().int(),
  ts: z.number(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  targetLabel: z.string().nullable(),
  orgId: z.number().int().nullable(),
  outcome: z.string(),
  address: z.string(),
  detail: z.record(z.string(), z.unknown()),
});

export const auditMethods = {
  'audit.query': {
    input: z
      .object({ actor: z.string().max(100).optional(), action: z.string().max(100).optional(), since: z.number().optional(), until: z.number().optional(), limit: z.number().int().min(1).max(1000).default(100) })
      .strict(),
    output: z.array(entrySchema),
    permission: 'audit:read',
    description: 'Audit log entries of the caller’s organisation (the hub owner: every organisation’s and the hub-wide ones), newest first.',
  },
  'audit.export': {
    input: z.object({ format: z.enum(['jsonl', 'csv']) }).strict(),
    output: z.object({ format: z.enum(['jsonl', 'csv']), content: z.string() }),
    permission: 'audit:read',
    kind: 'personal',
    description: 'The organisation’s audit log (the hub owner: all of it) as JSON lines or CSV; the export itself is audited.',
  },
  'audit.verify': {
    input: empty,
    output: z.object({ ok: z.boolean(), rows: z.number().int(), problems: z.array(z.object({ id: z.number().int(), problem: z.string(), message: z.string() })) }),
    permission: 'audit:read',
    description: 'Checks the whole hash chain; names any edited, deleted or reordered row of the caller’s organisation and counts problems elsewhere.',
  },
  'accounting.query': {
    input: z.object({ since: z.number().optional() }).strict(),
    output: z.array(z.object({ subject: z.string(), hour: z.number(), requests: z.number().int(), bytesIn: z.number().int(), bytesOut: z.number().int() })),
    permission: 'accounting:read',
    description: 'Requests and bytes in/out per user and app per hour (default: the last 24 hours).',
  },
} as const;
