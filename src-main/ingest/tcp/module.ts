import { createServer as createPlainServer, type Server, type Socket } from 'node:net';
import { ingestLimits } from '../../../src-shared/reading';
import type { HubContext, HubModule } from '../../hub-context';
import { need } from '../../hub-context';
import { limitConnections } from '../../lifecycle/connection-limits';
import type { Logger } from '../../logging/logger';
import { createTlsListener, listenerLimits } from '../../security/tls/listener';
import type { TlsMaterial } from '../../security/tls/material';
import { serveTcpConnection, type TcpLimits } from './connection';
import type { TcpIngestDeps } from './handle-request';
import { ingestPorts } from '../aaa-bridge';

const maxConnections = 4096;
export const defaultTcpLimits: TcpLimits = { maxRequestBytes: ingestLimits.maxPayloadBytes, idleMs: 60_000, maxQueued: 32, maxConnections, maxPerAddress: 256, handshakeMs: 10_000 };

export function tcpIngestDeps(ctx: HubContext): TcpIngestDeps {
  return {
    db: ctx.db,
    pipeline: need(ctx.services, 'pipeline'),
    logger: ctx.logger,
    auth: { db: ctx.db, throttle: need(ctx.services, 'deviceAuthThrottle'), apiKeys: ingestPorts(ctx).apiKeys },
  };
}

export function createTcpIngestServer(deps: TcpIngestDeps, tls: TlsMaterial | null, limits: TcpLimits = defaultTcpLimits): Server {
  const open = new Set<{ shutdown(): void }>();
  const onConnection = (socket: Socket) => {
    const connection = serveTcpConnection(socket, deps, limits);
    open.add(connection);
    socket.once('close', () => open.delete(connection));
  };
  const server = tls ? createTlsListener(tls, 'tcps', limits, deps.logger, onConnection) : plainServer(limits, deps.logger, onConnection);
  // server.close() waits for every connection: devices keep theirs open, so end them when the listener closes.
  const close = server.close.bind(server);
  server.close = (callback?: (err?: Error) => void) => {
    close(callback);
    for (const c of open) c.shutdown();
    return server;
  };
  return server;
}

function plainServer(limits: TcpLimits, logger: Logger, onConnection: (socket: Socket) => void): Server {
  const server = createPlainServer(onConnection);
  limitConnections(server, 'tcp', limits, logger);
  return server;
}

/** Ubidots TCP: over TLS on ports.tcps, in clear on ports.tcp (flagged insecure); both off unless configured. */
export const tcpIngestModule: HubModule = async (ctx) => {
  const { tcp, tcps } = ctx.config.ports;
  if (tcp === null && tcps === null) return;
  const deps = tcpIngestDeps(ctx);
  const limits: TcpLimits = { ...defaultTcpLimits, ...listenerLimits(ctx.config, maxConnections) };
  if (tcps !== null) await ctx.bind('tcps', createTcpIngestServer(deps, ctx.tls, limits), ctx.config.host, tcps, '--tcps-port');
  if (tcp !== null) {
    await ctx.bind('tcp', createTcpIngestServer(deps, null, limits), ctx.config.host, tcp, '--tcp-port');
    ctx.flagInsecure('plain Ubidots TCP is on (--tcp-port): tokens and readings cross the network unencrypted');
  }
};
