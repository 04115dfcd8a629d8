import type { Aedes, AedesOptions, Client } from 'aedes';
import type { Socket } from 'node:net';
import type { HubConfig } from '../../src-shared/config';
import { limitPacketSize, type PacketLimits } from './packet-limit';
import type { StoredSessionLimits } from './stored-sessions';

/**
 * Limits of an MQTT listener, shared by both aedes instances (the device
 * broker and the organisation listener): what a client may send and how long
 * it may take.
 */
export interface MqttLimits extends PacketLimits {
  /** A client that has not sent CONNECT this long after its TLS handshake is dropped. */
  connectTimeoutMs: number;
  /** A client that does not read its socket for this long is cut off (aedes' default is 60 s). */
  drainTimeoutMs: number;
}

/** Before CONNACK: a CONNECT carries a client id, a token or password and at most a small will. */
const maxConnectBytes = 32 * 1024;

export function mqttLimits(maxPacketBytes: number, connectTimeoutMs: number): MqttLimits {
  return { maxPacketBytes, maxConnectBytes: Math.min(maxConnectBytes, maxPacketBytes), connectTimeoutMs, drainTimeoutMs: 5_000 };
}

/** The aedes options that carry the limits. */
export function aedesLimitOptions(limits: MqttLimits): Pick<AedesOptions, 'connectTimeout' | 'drainTimeout'> {
  return { connectTimeout: limits.connectTimeoutMs, drainTimeout: limits.drainTimeoutMs };
}

/** Hands an accepted socket to aedes with the packet-size limit in place. */
export function handleLimited(aedes: Aedes, socket: Socket, limits: MqttLimits, onOversize: (client: Client, length: number, cmd: string, limit: number) => void): Client {
  // Nagle would hold small PUBACKs for ~40 ms.
  socket.setNoDelay(true);
  const client = aedes.handle(socket);
  limitPacketSize(client, limits, (length, cmd, limit) => onOversize(client, length, cmd, limit));
  return client;
}

export function storedSessionLimits(config: HubConfig): StoredSessionLimits {
  return { expiryMs: config.limits.mqttSessionExpiryDays * 24 * 3600 * 1000, perOwner: config.limits.mqttSessionsPerToken };
}
