import { z } from 'zod';

const listenerSchema = z.object({ host: z.string(), port: z.number().int() });

export const hubStatusSchema = z.object({
  version: z.string(),
  hubId: z.string(),
  startedAt: z.string(),
  listeners: z.record(z.string(), listenerSchema),
  tls: z.object({
    source: z.enum(['generated', 'provided']),
    caFingerprint: z.string(),
    notAfter: z.string(),
  }),
  schemaVersion: z.number().int(),
  insecure: z.array(z.string()),
});

export type HubStatus = z.infer<typeof hubStatusSchema>;

export const hubMethods = {
  'hub.status': {
    input: z.object({}).strict(),
    output: hubStatusSchema,
    permission: 'public',
    description: 'Version, listeners and TLS facts of the running hub.',
  },
} as const;
