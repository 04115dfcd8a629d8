import type { CallContext, CallResult } from '../console/registry';
import type { Logger } from '../logging/logger';
import type { Pipeline } from '../ingest/pipeline/pipeline';
import type { DeviceAuth } from '../access/device-authenticate';
import type { Db } from '../store/database';
import type { MqttLimits } from './limits';
import type { SessionRegistry } from './sessions';
import type { StoredSessions } from './stored-sessions';

/** Rpc answers from devices go to whoever tracks commands. */
export interface RpcAnswers {
  answered(deviceId: number, requestId: string, response: unknown): void;
  /** A device connected or subscribed: deliver what waits for it. */
  deviceReady(deviceId: number): void;
}

/**
 * The console API, bound once it exists (it is created after the broker):
 * integration commands go through it, so they get the console's permission
 * checks and audit (docs/INTEGRATIONS.md).
 */
export interface ApiSlot {
  registry: { call(method: string, input: unknown, ctx: CallContext): Promise<CallResult> } | null;
}

export interface BrokerDeps {
  db: Db;
  logger: Logger;
  pipeline: Pipeline;
  access: DeviceAuth;
  sessions: SessionRegistry;
  /** Owners and ages of persistent sessions (clean session 0). */
  stored: StoredSessions;
  rpc: RpcAnswers;
  limits: MqttLimits;
  api: ApiSlot;
}

/** Limits a misbehaving client runs into (docs/PROTOCOLS.md, "Broker behaviour"). */
export const brokerLimits = {
  /** Bigger than Ubidots' 10 KB body, so an oversize body is refused by the parser with a reason, not by the socket. */
  maxPacketBytes: 64 * 1024,
  /** `/v1.6/devices/{d}/{v}/lv` is 5 levels; ThingsBoard topics are at most 5. */
  maxTopicLevels: 8,
  /** Per listener; beyond this new sockets are refused at accept (net.Server.maxConnections). */
  maxConnections: 10_000,
  /** Filters one session may hold (every client kind); a SUBSCRIBE past it gets 0x80 for the new filters (MQTT-3.9.3). */
  maxSubscriptionsPerSession: 100,
  /**
   * Retained messages on an organisation's share topics (docs/INTEGRATIONS.md, "Limits"): at most this many topics
   * and this many bytes (topic and payload) together; a retained PUBLISH past either is refused.
   */
  maxRetainedShareTopics: 1_000,
  maxRetainedShareBytes: 1024 * 1024,
  /**
   * Empty discovery configs sent to one session the hub closes (broker/last-words.ts): they are built and written
   * at once on the main thread, so a revoke over a huge fleet stays a bounded write (~0.5 MB at most).
   */
  maxLastWordsPerSession: 5_000,
} as const;
