import { z } from 'zod';
import { cidrListSchema, emailSchema, empty, idSchema, nameSchema, ok, originListSchema, roleSchema } from './common';
import { roles } from '../../permissions';

export const userSchema = z.object({
  id: idSchema,
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  disabled: z.boolean(),
  totp: z.boolean(),
  allowIps: z.array(z.string()),
  allowOrigins: z.array(z.string()),
  createdAt: z.number(),
  /** Holds hub:admin (hub-wide settings). */
  hubAdmin: z.boolean(),
  /** This organisation is the person's home: it may change their password, status and allowlists. */
  home: z.boolean(),
});

export const invitationSchema = z.object({
  id: idSchema,
  email: z.string(),
  role: roleSchema,
  hint: z.string(),
  invitedBy: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
  expired: z.boolean(),
});

const passwordSchema = z.string().min(1).max(1024);

export const usersMethods = {
  'users.list': {
    input: empty,
    output: z.array(userSchema),
    permission: 'users:admin',
    kind: 'personal',
    description: 'Users of the caller’s organisation with their roles (personal data: every call is audited).',
  },
  'users.invite': {
    input: z.object({ email: emailSchema, role: roleSchema }).strict(),
    output: z.object({ invitation: invitationSchema, code: z.string() }),
    permission: 'users:admin',
    kind: 'write',
    description:
      'Invites a person into the organisation. The answer is the same whether or not they already have an account; they accept with the one-time code (auth.acceptInvite), which is in this answer only.',
  },
  'invitations.list': { input: empty, output: z.array(invitationSchema), permission: 'users:admin', kind: 'personal', description: 'Open invitations of the organisation.' },
  'invitations.revoke': { input: z.object({ id: idSchema }).strict(), output: ok, permission: 'users:admin', kind: 'write', description: 'Withdraws an open invitation.' },
  'users.create': {
    input: z.object({ email: emailSchema, name: nameSchema.optional(), role: roleSchema, password: passwordSchema.optional() }).strict(),
    output: userSchema,
    permission: 'hub:admin',
    callers: 'users',
    kind: 'write',
    description: 'The hub owner adds a person directly, with a password (everyone else invites).',
  },
  'users.update': {
    input: z
      .object({
        id: idSchema,
        name: nameSchema.optional(),
        role: roleSchema.optional(),
        disabled: z.boolean().optional(),
        password: passwordSchema.optional(),
        allowIps: cidrListSchema.optional(),
        allowOrigins: originListSchema.optional(),
      })
      .strict(),
    output: userSchema,
    permission: 'users:admin',
    kind: 'write',
    description: 'Changes a member; disabling one or setting a password ends all their sessions at once. Name, password, status and allowlists only in the person’s home organisation.',
  },
  'users.remove': {
    input: z.object({ id: idSchema }).strict(),
    output: ok,
    permission: 'users:admin',
    kind: 'write',
    description: 'Removes a user from the organisation and ends their sessions.',
  },
  'users.resetTotp': {
    input: z.object({ id: idSchema }).strict(),
    output: userSchema,
    permission: 'users:admin',
    kind: 'write',
    description: 'An owner of the person’s home organisation removes their second factor (a lost authenticator) and ends their sessions.',
  },
  'users.setHubAdmin': {
    input: z.object({ id: idSchema, hubAdmin: z.boolean() }).strict(),
    output: userSchema,
    permission: 'hub:admin',
    callers: 'users',
    kind: 'write',
    description: 'Grants or takes away hub:admin (hub-wide settings). Never implied by a role.',
  },
  'roles.list': {
    input: empty,
    output: z.array(z.object({ role: roleSchema, permissions: z.array(z.string()) })),
    permission: 'authenticated',
    description: `The roles (${roles.join(', ')}) and what each may do.`,
  },
} as const;
