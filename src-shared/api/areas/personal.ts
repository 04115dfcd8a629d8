import { z } from 'zod';
import { entrySchema } from './audit';
import { idSchema } from './common';

/** Audit rows as audit.query returns them. */
const auditRow = entrySchema;

export const personalDataSchema = z.object({
  exportedAt: z.string(),
  user: z.object({
    id: z.number().int(),
    email: z.string(),
    name: z.string(),
    createdAt: z.number(),
    disabledAt: z.number().nullable(),
    hubAdmin: z.boolean(),
    homeOrgId: z.number().int().nullable(),
    hasPassword: z.boolean(),
    secondFactor: z.boolean(),
    allowIps: z.array(z.string()),
    allowOrigins: z.array(z.string()),
  }),
  memberships: z.array(z.object({ orgId: z.number().int(), org: z.string(), role: z.string() })),
  groups: z.array(z.object({ orgId: z.number().int(), name: z.string() })),
  sessions: z.array(z.object({ orgId: z.number().int(), createdAt: z.number(), lastUsedAt: z.number(), expiresAt: z.number(), revokedAt: z.number().nullable() })),
  addressesSeen: z.array(z.object({ address: z.string(), firstSeen: z.number() })),
  invitations: z.array(z.object({ orgId: z.number().int(), role: z.string(), createdAt: z.number(), expiresAt: z.number(), acceptedAt: z.number().nullable(), revokedAt: z.number().nullable() })),
  /** Audit rows the person wrote (as actor), and rows about them (their account as target). */
  auditBy: z.array(auditRow),
  auditAbout: z.array(auditRow),
});

/** Personal data (docs/STEWARDSHIP.md). */
export const personalMethods = {
  'users.exportData': {
    input: z.object({ id: idSchema }).strict(),
    output: personalDataSchema,
    permission: 'authenticated',
    callers: 'users',
    kind: 'export',
    description:
      'Everything Outpost holds about a person, as JSON: profile (no secrets), memberships, groups, sessions, addresses seen, invitations, audit rows by and about them. The person themself, an owner of an organisation they belong to (that organisation’s audit rows), or the hub owner.',
  },
  'users.erase': {
    input: z.object({ id: idSchema }).strict(),
    output: z.object({ ok: z.literal(true), auditRows: z.number().int(), checkpointed: z.boolean() }),
    permission: 'users:admin',
    callers: 'users',
    kind: 'write',
    description:
      'Erases a person: their account (name, email, password, second factor), memberships, groups, sessions, addresses seen, invitations, and the personal fields of audit rows by or about them; the audit chain still verifies. The hub owner, or an owner of their home organisation; never the last owner of an organisation.',
  },
} as const;
