import type { Logger } from '../logging/logger';
import type { Pipeline } from '../ingest/pipeline/pipeline';
import type { DeviceAuth } from '../access/device-authenticate';
import type { Db } from '../store/database';
import type { SessionRegistry } from './sessions';

/** Rpc answers from devices go to whoever tracks commands. */
export interface RpcAnswers {
  answered(deviceId: number, requestId: string, response: unknown): void;
  /** A device connected or subscribed: deliver what waits for it. */
  deviceReady(deviceId: number): void;
}

export interface BrokerDeps {
  db: Db;
  logger: Logger;
  pipeline: Pipeline;
  access: DeviceAuth;
  sessions: SessionRegistry;
  rpc: RpcAnswers;
}

/** Limits a misbehaving client runs into (docs/PROTOCOLS.md, "Broker behaviour"). */
export const brokerLimits = {
  /** Bigger than Ubidots' 10 KB body, so an oversize body is refused by the parser with a reason, not by the socket. */
  maxPacketBytes: 64 * 1024,
  /** `/v1.6/devices/{d}/{v}/lv` is 5 levels; ThingsBoard topics are at most 5. */
  maxTopicLevels: 8,
  /** A client that does not read its socket for this long is cut off (aedes' default is 60 s). */
  drainTimeoutMs: 5_000,
  connectTimeoutMs: 10_000,
  /** Per listener; beyond this new sockets are refused by the kernel accept path (net.Server.maxConnections). */
  maxConnections: 10_000,
} as const;
