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
  /** The data-residency label (hub setting `residency`; docs/STEWARDSHIP.md), null when none is set. */
  residency: z.string().nullable().optional(),
});

export type HubStatus = z.infer<typeof hubStatusSchema>;

/** What anyone may know before signing in: enough to check the certificate, nothing about the hub's set-up. */
export const hubInfoSchema = z.object({ caFingerprint: z.string() });

/** How devices reach this hub: names and addresses its certificate covers, listener ports and the CA to trust. */
export const hubConnectionSchema = z.object({
  hosts: z.array(z.string()),
  ports: z.object({ mqtts: z.number().int().optional(), https: z.number().int().optional(), mqtt: z.number().int().optional() }),
  caPem: z.string(),
  caFingerprint: z.string(),
});

export type HubConnection = z.infer<typeof hubConnectionSchema>;

export const hubMethods = {
  'hub.connection': {
    input: z.object({}).strict(),
    output: hubConnectionSchema,
    permission: 'devices:admin',
    description: 'What a device needs to connect: the hub’s reachable names and addresses, its device listener ports, the CA certificate and its fingerprint.',
  },
  'hub.info': {
    input: z.object({}).strict(),
    output: hubInfoSchema,
    permission: 'public',
    description: 'The hub CA’s SHA-256 fingerprint, for the sign-in page (compare it with what the browser shows).',
  },
  'hub.status': {
    input: z.object({}).strict(),
    output: hubStatusSchema,
    permission: 'authenticated',
    description: 'Version, listeners, TLS facts and insecure settings of the running hub.',
  },
} as const;
