import { z } from 'zod';

const port = z.number().int().min(0).max(65535);
/** `null` switches a listener off. */
const optionalPort = port.nullable();

export const tlsFilesSchema = z.object({
  certFile: z.string().min(1),
  keyFile: z.string().min(1),
});

export const hubConfigSchema = z.object({
  dataDir: z.string().min(1),
  /** Address the device listeners bind to. */
  host: z.string().min(1).default('0.0.0.0'),
  /** The console carries human sessions: loopback unless the admin says otherwise. */
  consoleHost: z.string().min(1).default('127.0.0.1'),
  ports: z
    .object({
      https: optionalPort.default(8443),
      mqtts: optionalPort.default(8883),
      console: port.default(8444),
      /** Plain MQTT exists for closed networks but is off by default. */
      mqtt: optionalPort.default(null),
      /** Ubidots TCP on TLS (9812) and in clear (9012): both off by default. */
      tcps: optionalPort.default(null),
      tcp: optionalPort.default(null),
      /** Organisation mode: sites sync to this hub over MQTT/TLS (README, "Sync to an organisation"). Off by default. */
      syncOrg: optionalPort.default(null),
    })
    .default({ https: 8443, mqtts: 8883, console: 8444, mqtt: null, tcps: null, tcp: null, syncOrg: null }),
  /** Connection and session limits of the device listeners (README, "Connection limits"). */
  limits: z
    .object({
      /** A TLS client that has not finished its handshake by then is dropped (every TLS listener). */
      handshakeTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
      /** An MQTT client that has not sent CONNECT this long after its handshake is dropped. */
      connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
      /** Open connections from one remote address (IPv6: one /64) per listener; loopback is not exempt. */
      maxConnectionsPerAddress: z.number().int().min(1).max(1_000_000).default(256),
      /** A stored MQTT session (clean session 0) not resumed for this long is deleted with what it queued. */
      mqttSessionExpiryDays: z.number().positive().max(3650).default(7),
      /** Stored MQTT sessions one token may hold; past it the one resumed longest ago is deleted. */
      mqttSessionsPerToken: z.number().int().min(1).max(100_000).default(100),
      /** Readings received but not yet committed beyond which a new message waits (its sender is not read meanwhile). */
      ingestQueueReadings: z.number().int().min(1).max(10_000_000).default(200_000),
      /**
       * How long such a message waits for room before it is refused (MQTT: the connection closes so the
       * device resends). 10 s: a waiting MQTT client is not read, so one with a keepalive under 2/3 of this
       * would be cut for silence first (MQTT-3.1.2-24).
       */
      ingestQueueWaitMs: z.number().int().min(10).max(600_000).default(10_000),
    })
    .prefault({}),
  keyFile: z.string().min(1).optional(),
  tls: tlsFilesSchema.optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type HubConfigInput = z.input<typeof hubConfigSchema>;
export type HubConfig = z.output<typeof hubConfigSchema>;
export type ListenerName = keyof HubConfig['ports'];

export interface ListenerAddress {
  host: string;
  port: number;
}
