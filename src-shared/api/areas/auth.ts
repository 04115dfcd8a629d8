import { z } from 'zod';
import { emailSchema, empty, idSchema, nameSchema, ok, roleSchema } from './common';

const sessionUser = z.object({ id: idSchema, email: z.string(), name: z.string(), role: roleSchema, org: z.string(), hubAdmin: z.boolean() });
const code = z.string().regex(/^\d{6}$/);
const password = z.string().min(1).max(1024);

export const authMethods = {
  'auth.login': {
    input: z
      .object({
        email: emailSchema,
        password,
        totp: code.optional(),
        org: z.string().min(1).max(100).optional(),
        returnTo: z.string().min(1).max(2000).optional(),
      })
      .strict(),
    output: z.object({ token: z.string(), expiresAt: z.number(), idleTimeoutSeconds: z.number(), user: sessionUser, redirect: z.string() }),
    permission: 'public',
    description: 'Signs in with email, password and (when enrolled) a TOTP code; returns a bearer token shown once.',
  },
  'auth.acceptInvite': {
    input: z.object({ code: z.string().min(1).max(200), email: emailSchema, password, name: nameSchema.optional(), totp: code.optional() }).strict(),
    output: z.object({ org: z.string(), role: roleSchema, newAccount: z.boolean() }),
    permission: 'public',
    kind: 'write',
    description: 'Accepts an invitation: with an existing account, its password (and code) prove it is yours; without one, the password given becomes its password. Then sign in.',
  },
  'auth.setupOwner': {
    input: z.object({ code: z.string().min(1).max(100), email: emailSchema, password, name: nameSchema.optional() }).strict(),
    output: z.object({ email: z.string() }),
    permission: 'public',
    kind: 'write',
    description: 'Creates the hub’s first account (owner of the first organisation, hub:admin) with the one-time setup code the hub printed; refused once anyone has an account.',
  },
  'auth.logout': {
    input: empty,
    output: ok,
    permission: 'authenticated',
    callers: 'users',
    kind: 'write',
    description: 'Ends the session that made this call.',
  },
  'auth.logoutEverywhere': {
    input: empty,
    output: z.object({ sessionsEnded: z.number().int() }),
    permission: 'authenticated',
    callers: 'users',
    kind: 'write',
    description: 'Ends every session of the signed-in user.',
  },
  'auth.me': {
    input: empty,
    output: z.object({
      kind: z.enum(['user', 'app', 'apiKey', 'cli']),
      subject: z.string(),
      orgId: idSchema,
      role: roleSchema.nullable(),
      permissions: z.array(z.string()),
      hubAdmin: z.boolean(),
      /** A signed-in person: their own account, as auth.login answered it (a reloaded tab has only its token). */
      user: sessionUser.nullable(),
    }),
    permission: 'authenticated',
    description: 'Who the caller is and what they may do; for a signed-in person, their own account too.',
  },
  'auth.totpSetup': {
    input: z.object({ password }).strict(),
    output: z.object({ secret: z.string(), uri: z.string() }),
    permission: 'authenticated',
    callers: 'users',
    kind: 'write',
    description: 'Starts TOTP enrolment (the password again): returns a new secret to put in an authenticator app; confirm it with auth.totpConfirm.',
  },
  'auth.totpConfirm': {
    input: z.object({ code }).strict(),
    output: ok,
    permission: 'authenticated',
    callers: 'users',
    kind: 'write',
    description: 'Turns TOTP on once a code from the new secret checks out.',
  },
  'auth.totpDisable': {
    input: z.object({ password, code }).strict(),
    output: ok,
    permission: 'authenticated',
    callers: 'users',
    kind: 'write',
    description: 'Turns TOTP off: needs the password and a current code. Lost the authenticator? An owner resets it (users.resetTotp).',
  },
} as const;
