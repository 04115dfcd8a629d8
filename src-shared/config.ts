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
