import { createServer as createPlainServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { ingestLimits } from '../../../src-shared/reading';
import type { HubContext, HubModule } from '../../hub-context';
import { need } from '../../hub-context';
import { serverTlsOptions } from '../../security/tls/server-options';
import { serveTcpConnection, type TcpLimits } from './connection';
import type { TcpIngestDeps } from './handle-request';
import { ingestPorts } from '../aaa-bridge';

export const defaultTcpLimits: TcpLimits = { maxRequestBytes: ingestLimits.maxPayloadBytes, idleMs: 60_000, maxQueued: 32, maxConnections: 4096, handshakeMs: 10_000 };

export function tcpIngestDeps(ctx: HubContext): TcpIngestDeps {
  return {
    db: ctx.db,
    pipeline: need(ctx.services, 'pipeline'),
    logger: ctx.logger,
    auth: { db: ctx.db, throttle: need(ctx.services, 'deviceAuthThrottle'), apiKeys: ingestPorts(ctx).apiKeys },
  };
}

export function createTcpIngestServer(deps: TcpIngestDeps, tls: Parameters<typeof serverTlsOptions>[0] | null, limits: TcpLimits = defaultTcpLimits): Server {
  const open = new Set<{ shutdown(): void }>();
  const onConnection = (socket: Socket) => {
    const connection = serveTcpConnection(socket, deps, limits);
    open.add(connection);
    socket.once('close', () => open.delete(connection));
  };
  const server = tls ? createTlsServer({ ...serverTlsOptions(tls), handshakeTimeout: limits.handshakeMs }, onConnection) : createPlainServer(onConnection);
  server.maxConnections = limits.maxConnections;
  if (tls) {
    server.on('tlsClientError', (err: Error, socket: Socket) => {
      // With a listener here node leaves the socket open: a client that never finishes the handshake would keep it.
      deps.logger.debug({ err }, 'tcps ingest: TLS handshake failed');
      socket.destroy();
    });
  }
  // server.close() waits for every connection: devices keep theirs open, so end them when the listener closes.
  const close = server.close.bind(server);
  server.close = (callback?: (err?: Error) => void) => {
    close(callback);
    for (const c of open) c.shutdown();
    return server;
  };
  return server;
}

/** Ubidots TCP: over TLS on ports.tcps, in clear on ports.tcp (flagged insecure); both off unless configured. */
export const tcpIngestModule: HubModule = async (ctx) => {
  const { tcp, tcps } = ctx.config.ports;
  if (tcp === null && tcps === null) return;
  const deps = tcpIngestDeps(ctx);
  if (tcps !== null) await ctx.bind('tcps', createTcpIngestServer(deps, ctx.tls), ctx.config.host, tcps, '--tcps-port');
  if (tcp !== null) {
    await ctx.bind('tcp', createTcpIngestServer(deps, null), ctx.config.host, tcp, '--tcp-port');
    ctx.flagInsecure('plain Ubidots TCP is on (--tcp-port): tokens and readings cross the network unencrypted');
  }
};
