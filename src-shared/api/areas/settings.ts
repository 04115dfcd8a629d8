import { z } from 'zod';

const bucket = z.object({ burst: z.number().int().min(1).max(100_000), perSecond: z.number().positive().max(100_000) }).strict();

/** Security policy an admin can change at run time; stored in the settings table. */
export const policySchema = z
  .object({
    /** A session ends this long after login, however active (idle expiry is fixed at 6 h). */
    sessionAbsoluteHours: z.number().min(1).max(24 * 90).default(24 * 7),
    rateLimit: z
      .object({ perAddress: bucket.default({ burst: 200, perSecond: 50 }), perToken: bucket.default({ burst: 200, perSecond: 50 }) })
      .strict()
      .default({ perAddress: { burst: 200, perSecond: 50 }, perToken: { burst: 200, perSecond: 50 } }),
    lockout: z
      .object({ threshold: z.number().int().min(1).max(100), baseMs: z.number().int().min(1000).max(86_400_000), maxMs: z.number().int().min(1000).max(7 * 86_400_000) })
      .strict()
      .default({ threshold: 5, baseMs: 30_000, maxMs: 3_600_000 }),
    /** Absolute URLs a login may return to (their origins); relative paths are always allowed. */
    redirectAllowlist: z.array(z.url()).max(100).default([]),
    /** Browser origins, besides the console's own, that may call the login method. */
    consoleOrigins: z.array(z.url()).max(100).default([]),
  })
  .strict();

export type Policy = z.output<typeof policySchema>;

export const settingsMethods = {
  'settings.get': {
    input: z.object({}).strict(),
    output: policySchema,
    permission: 'settings:admin',
    description: 'The security policy: session length, rate limits, lockout, redirect and origin allowlists.',
  },
  'settings.update': {
    input: policySchema.partial(),
    output: policySchema,
    permission: 'settings:admin',
    kind: 'write',
    description: 'Changes part of the security policy; takes effect on the next request.',
  },
} as const;
