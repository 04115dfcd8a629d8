import { z } from 'zod';
import { emailSchema, empty, idSchema, ok, roleSchema } from './common';

const sessionUser = z.object({ id: idSchema, email: z.string(), name: z.string(), role: roleSchema, org: z.string() });

export const authMethods = {
  'auth.login': {
    input: z
      .object({
        email: emailSchema,
        password: z.string().min(1).max(1024),
        totp: z.string().regex(/^\d{6}$/).optional(),
        org: z.string().min(1).max(100).optional(),
        returnTo: z.string().min(1).max(2000).optional(),
      })
      .strict(),
    output: z.object({ token: z.string(), expiresAt: z.number(), idleTimeoutSeconds: z.number(), user: sessionUser, redirect: z.string() }),
    permission: 'public',
    description: 'Signs in with email, password and (when enrolled) a TOTP code; returns a bearer token shown once.',
  },
  'auth.logout': {
    input: empty,
    output: ok,
    permission: 'authenticated',
    callers: 'users',
    description: 'Ends the session that made this call.',
  },
  'auth.logoutEverywhere': {
    input: empty,
    output: z.object({ sessionsEnded: z.number().int() }),
    permission: 'authenticated',
    callers: 'users',
    description: 'Ends every session of the signed-in user.',
  },
  'auth.me': {
    input: empty,
    output: z.object({ kind: z.enum(['user', 'app', 'apiKey']), subject: z.string(), orgId: idSchema, role: roleSchema.nullable(), permissions: z.array(z.string()) }),
    permission: 'authenticated',
    description: 'Who the caller is and what they may do.',
  },
  'auth.totpSetup': {
    input: empty,
    output: z.object({ secret: z.string(), uri: z.string() }),
    permission: 'authenticated',
    callers: 'users',
    kind: 'write',
    description: 'Starts TOTP enrolment: returns a new secret to put in an authenticator app; confirm it with auth.totpConfirm.',
  },
  'auth.totpConfirm': {
    input: z.object({ code: z.string().regex(/^\d{6}$/) }).strict(),
    output: ok,
    permission: 'authenticated',
    callers: 'users',
    kind: 'write',
    description: 'Turns TOTP on once a code from the new secret checks out.',
  },
} as const;
