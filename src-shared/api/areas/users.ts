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
});

export const usersMethods = {
  'users.list': {
    input: empty,
    output: z.array(userSchema),
    permission: 'users:admin',
    kind: 'personal',
    description: 'Users of the caller’s organisation with their roles (personal data: every call is audited).',
  },
  'users.create': {
    input: z.object({ email: emailSchema, name: nameSchema.optional(), role: roleSchema, password: z.string().min(1).max(1024) }).strict(),
    output: userSchema,
    permission: 'users:admin',
    kind: 'write',
    description: 'Adds a user to the caller’s organisation.',
  },
  'users.update': {
    input: z
      .object({
        id: idSchema,
        name: nameSchema.optional(),
        role: roleSchema.optional(),
        disabled: z.boolean().optional(),
        password: z.string().min(1).max(1024).optional(),
        allowIps: cidrListSchema.optional(),
        allowOrigins: originListSchema.optional(),
      })
      .strict(),
    output: userSchema,
    permission: 'users:admin',
    kind: 'write',
    description: 'Changes a user; disabling one or setting a password ends all their sessions at once.',
  },
  'users.remove': {
    input: z.object({ id: idSchema }).strict(),
    output: ok,
    permission: 'users:admin',
    kind: 'write',
    description: 'Removes a user from the organisation and ends their sessions.',
  },
  'roles.list': {
    input: empty,
    output: z.array(z.object({ role: roleSchema, permissions: z.array(z.string()) })),
    permission: 'authenticated',
    description: `The roles (${roles.join(', ')}) and what each may do.`,
  },
} as const;
