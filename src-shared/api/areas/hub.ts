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

const perProtocol = z.object({ mqtt: z.number().int(), https: z.number().int(), tcp: z.number().int() });

/** Live figures over one set of devices: the caller's organisation (what they may see) or the whole hub. */
const figuresSchema = z.object({
  /** MQTT: devices with an open session; HTTPS and TCP (no lasting connection): devices that sent within the window. */
  connected: perProtocol,
  /** Committed readings per second, averaged over the window. */
  readingsPerSecond: z.number(),
  /** Refusals since the hub started, by reason, most frequent first. */
  refusals: z.array(z.object({ reason: z.string(), count: z.number().int() })),
});

export const hubCountersSchema = z.object({
  windowSeconds: z.number().int(),
  org: figuresSchema,
  /** Hub-wide figures: for the hub owner only. */
  hub: figuresSchema.extend({ databaseBytes: z.number().int(), syncBacklog: z.number().int() }).nullable(),
});

export type HubCounters = z.infer<typeof hubCountersSchema>;
export type TrafficFigures = z.infer<typeof figuresSchema>;

export const hubMethods = {
  'hub.counters': {
    input: z.object({}).strict(),
    output: hubCountersSchema,
    permission: 'devices:read',
    description: 'Live counters of the devices the caller may see (connected per protocol, readings per second, refusals per reason); the hub owner also gets hub-wide figures, the database size and the sync backlog.',
  },
  'hub.connection': {
    input: z.object({}).strict(),
    output: hubConnectionSchema,
    permission: 'devices:admin',
    description: 'What a device needs to connect: the hub’s reachable names and addresses, its device listener ports, the CA certificate and its fingerprint.',
  },
  'hub.ca': {
    input: z.object({}).strict(),
    output: z.object({ caPem: z.string(), caFingerprint: z.string() }),
    permission: 'authenticated',
    description: 'The hub CA certificate and its fingerprint, to trust it in a browser or operating system (signed-in callers: before sign-in only the fingerprint is public).',
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
