import { createServer, type Server, type TlsOptions, type TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import type { HubConfig } from '../../../src-shared/config';
import { limitConnections, type ConnectionLimits } from '../../lifecycle/connection-limits';
import type { Logger } from '../../logging/logger';
import type { TlsMaterial } from './material';
import { serverTlsOptions } from './server-options';

export interface TlsListenerLimits extends ConnectionLimits {
  /** A client that has not finished its TLS handshake by then is dropped. */
  handshakeMs: number;
}

/** The TLS options of every hub listener: the shared TLS setup plus the handshake timeout. */
export function tlsListenerOptions(material: TlsMaterial, limits: Pick<TlsListenerLimits, 'handshakeMs'>): TlsOptions {
  return { ...serverTlsOptions(material), handshakeTimeout: limits.handshakeMs };
}

/**
 * The limits every TLS listener (MQTT, HTTPS ingest, Ubidots TCP,
 * organisation, console) runs with, on a server made with
 * `tlsListenerOptions`: connection caps, and a TLS failure (handshake timeout,
 * garbage, wrong CA) destroys the socket. Node destroys it itself only when
 * nobody listens to `tlsClientError`; with a listener that just logs, a client
 * that never finishes its handshake kept its socket for good.
 */
export function guardTlsListener(server: Server, name: string, limits: ConnectionLimits, logger: Logger): void {
  limitConnections(server, name, limits, logger);
  server.on('tlsClientError', (err: Error, socket: Socket) => {
    logger.debug({ listener: name, address: socket.remoteAddress, reason: err.message }, `${name}: TLS handshake failed`);
    socket.destroy();
  });
}

/** A TLS listener with the shared TLS setup and limits; `onSecure` gets each socket once its handshake is done. */
export function createTlsListener(material: TlsMaterial, name: string, limits: TlsListenerLimits, logger: Logger, onSecure: (socket: TLSSocket) => void): Server {
  const server = createServer(tlsListenerOptions(material, limits), onSecure);
  guardTlsListener(server, name, limits, logger);
  return server;
}

/** A listener's limits from the hub configuration (README, "Connection limits"). */
export function listenerLimits(config: HubConfig, maxConnections: number): TlsListenerLimits {
  return { maxConnections, maxPerAddress: config.limits.maxConnectionsPerAddress, handshakeMs: config.limits.handshakeTimeoutMs };
}
