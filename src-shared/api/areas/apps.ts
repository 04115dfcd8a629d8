import { z } from 'zod';
import { topicPatternListSchema } from '../../protocols/outpost-topics';
import { cidrListSchema, empty, idSchema, nameSchema, originListSchema, scopeSchema } from './common';

export const appSchema = z.object({
  id: idSchema,
  name: z.string(),
  hint: z.string(),
  scopes: z.array(z.string()),
  deviceIds: z.array(idSchema).nullable(),
  allowIps: z.array(z.string()),
  allowOrigins: z.array(z.string()),
  serverOnly: z.boolean(),
  expiresAt: z.number().nullable(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  revoked: z.boolean(),
  createdBy: z.string(),
  mqttSubscribe: z.array(z.string()),
  mqttPublish: z.array(z.string()),
});

const apiKeySchema = z.object({
  id: idSchema,
  name: z.string(),
  hint: z.string(),
  scopes: z.array(z.string()),
  deviceIds: z.array(idSchema).nullable(),
  createdAt: z.number(),
  revoked: z.boolean(),
});

export const appsMethods = {
  'apps.list': { input: empty, output: z.array(appSchema), permission: 'apps:admin', description: 'API clients of the organisation (tokens are never shown again).' },
  'apps.create': {
    input: z
      .object({
        name: nameSchema,
        scopes: z.array(scopeSchema).min(1),
        deviceIds: z.array(idSchema).nullable().default(null),
        allowIps: cidrListSchema.default([]),
        allowOrigins: originListSchema.default([]),
        serverOnly: z.boolean().default(false),
        expiresAt: z.number().int().positive().nullable().default(null),
        // docs/INTEGRATIONS.md: MQTT topic patterns; none keeps the token off the broker.
        mqttSubscribe: topicPatternListSchema.default([]),
        mqttPublish: topicPatternListSchema.default([]),
      })
      .strict(),
    output: z.object({ app: appSchema, token: z.string() }),
    permission: 'apps:admin',
    kind: 'write',
    description: 'Creates an app token with scopes, devices, network policy and optional MQTT topic patterns (an integration: docs/INTEGRATIONS.md), never beyond what the caller holds (and cut again at every use to what the caller still holds); the token is in this answer only.',
  },
  'apps.revoke': { input: z.object({ name: nameSchema }).strict(), output: appSchema, permission: 'apps:admin', kind: 'write', description: 'Revokes an app token at once.' },
  'apiKeys.list': { input: empty, output: z.array(apiKeySchema), permission: 'apps:admin', description: 'Ubidots-style API keys.' },
  'apiKeys.create': {
    input: z.object({ name: nameSchema, scopes: z.array(scopeSchema).min(1).optional(), deviceIds: z.array(idSchema).nullable().optional() }).strict(),
    output: z.object({ apiKey: apiKeySchema, key: z.string() }),
    permission: 'apps:admin',
    kind: 'write',
    description:
      'Creates an API key (traded for access tokens at /api/v1.6/auth/token): by default devices:read, readings:read, readings:write and commands:send on every device, never beyond what the caller holds; the key is in this answer only.',
  },
  'apiKeys.revoke': { input: z.object({ name: nameSchema }).strict(), output: apiKeySchema, permission: 'apps:admin', kind: 'write', description: 'Revokes an API key and every access token minted from it.' },
  'accessTokens.revoke': {
    input: z.object({ jti: z.uuid() }).strict(),
    output: z.object({ ok: z.literal(true) }),
    permission: 'apps:admin',
    kind: 'write',
    description: 'Revokes one access token minted from an API key.',
  },
} as const;
