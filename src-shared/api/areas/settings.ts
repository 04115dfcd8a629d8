import { z } from 'zod';
import { mapTilesSchema, tileAttributionSchema, tileTemplateSchema } from '../../map-tiles';

const bucket = z.object({ burst: z.number().int().min(1).max(100_000), perSecond: z.number().positive().max(100_000) }).strict();
const rateLimit = z.object({ perAddress: bucket, perToken: bucket }).strict();
const lockout = z
  .object({ threshold: z.number().int().min(1).max(100), baseMs: z.number().int().min(1000).max(86_400_000), maxMs: z.number().int().min(1000).max(7 * 86_400_000) })
  .strict();

/** The fields of the security policy, without defaults (an update names only what it changes). */
const policyFields = {
  /** A session ends this long after login, however active (idle expiry is fixed at 6 h). */
  sessionAbsoluteHours: z.number().min(1).max(24 * 90),
  rateLimit,
  lockout,
  /** Absolute URLs a login may return to (their origins); relative paths are always allowed. */
  redirectAllowlist: z.array(z.url()).max(100),
  /** Browser origins, besides the console's own, that may call the login method. */
  consoleOrigins: z.array(z.url()).max(100),
  /** Hosts (`name` or `name:port`) alarm webhooks may be sent to; empty: no webhook is allowed (docs/ALARMS.md). */
  webhookHosts: z.array(z.string().trim().toLowerCase().min(1).max(260)).max(100),
};

/** Hub-wide security policy, changed by the hub owner at run time; stored in the settings table. */
export const policySchema = z
  .object({
    sessionAbsoluteHours: policyFields.sessionAbsoluteHours.default(24 * 7),
    rateLimit: rateLimit.default({ perAddress: { burst: 200, perSecond: 50 }, perToken: { burst: 200, perSecond: 50 } }),
    lockout: lockout.default({ threshold: 5, baseMs: 30_000, maxMs: 3_600_000 }),
    redirectAllowlist: policyFields.redirectAllowlist.default([]),
    consoleOrigins: policyFields.consoleOrigins.default([]),
    webhookHosts: policyFields.webhookHosts.default([]),
  })
  .strict();

export type Policy = z.output<typeof policySchema>;

/** An update: only the fields named change (no defaults here, or an update would reset what it does not name). */
export const policyUpdateSchema = z.object(policyFields).partial().strict();

/** Hub settings a running hub applies within a second (`outpost settings set`). */
export const hubSettingSchema = z.object({ name: z.string(), key: z.string(), value: z.unknown(), text: z.string(), description: z.string(), insecure: z.boolean() });

/** The map tile server as the console shows it, with the one origin the CSP adds (null: none). */
const mapTilesView = mapTilesSchema.extend({ origin: z.string().nullable() });

export const settingsMethods = {
  'settings.get': {
    input: z.object({}).strict(),
    output: policySchema,
    permission: 'hub:admin',
    description: 'The hub’s security policy: session length, rate limits, lockout, redirect and origin allowlists.',
  },
  'settings.update': {
    input: policyUpdateSchema,
    output: policySchema,
    permission: 'hub:admin',
    kind: 'write',
    description: 'Changes the fields of the security policy it names (the others stay); takes effect on the next request.',
  },
  'hubSettings.list': {
    input: z.object({}).strict(),
    output: z.array(hubSettingSchema),
    permission: 'hub:admin',
    description: 'Hub settings such as token-in-url, with their values.',
  },
  'hubSettings.set': {
    input: z.object({ name: z.string().min(1).max(64), value: z.string().min(1).max(256) }).strict(),
    output: hubSettingSchema,
    permission: 'hub:admin',
    kind: 'write',
    description: 'Changes one hub setting from its text form (e.g. token-in-url on); a running hub applies it within a second.',
  },
  'mapTiles.get': {
    input: z.object({}).strict(),
    output: mapTilesView,
    // Everyone who may read dashboards draws position widgets with it (a wall display's app token too).
    permission: 'devices:read',
    description: 'The hub’s map tile server for position widgets: URL template (\'\' = none), attribution, and the origin the console’s CSP allows images from.',
  },
  'mapTiles.set': {
    input: z.object({ url: tileTemplateSchema, attribution: tileAttributionSchema.optional() }).strict(),
    output: mapTilesView,
    permission: 'hub:admin',
    kind: 'write',
    description:
      'Sets the hub’s map tile server: an https URL template with {z}, {x} and {y} (\'\' = none; clears the attribution too) and, optionally, its attribution (omitted: kept). Pages loaded afterwards allow images from that origin only.',
  },
} as const;
