import { createServer as createPlainServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { ingestLimits } from '../../../src-shared/reading';
import type { DeviceAuth } from '../../access/device-authenticate';
import type { HubContext } from '../../hub-context';
import { serverTlsOptions } from '../../security/tls/server-options';
import type { DbWatcher } from '../../store/db-watcher';
import type { Pipeline } from '../pipeline/pipeline';
import { serveTcpConnection, type TcpConnection, type TcpLimits } from './connection';
import type { TcpIngestDeps } from './handle-request';

export const defaultTcpLimits: TcpLimits = { maxRequestBytes: ingestLimits.maxPayloadBytes, idleMs: 60_000, maxQueued: 32, maxConnections: 4096, handshakeMs: 10_000 };

export interface TcpIngestServices {
  pipeline: Pipeline;
  access: DeviceAuth;
  watcher: DbWatcher;
}

export function createTcpIngestServer(deps: TcpIngestDeps, tls: Parameters<typeof serverTlsOptions>[0] | null, limits: TcpLimits = defaultTcpLimits): Server & { connections: ReadonlySet<TcpConnection> } {
  const open = new Set<TcpConnection>();
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
  return Object.assign(server, { connections: open as ReadonlySet<TcpConnection> });
}

/** Ubidots TCP: over TLS on ports.tcps, in clear on ports.tcp (flagged insecure); both off unless configured. */
export async function startTcpIngest(ctx: HubContext, services: TcpIngestServices): Promise<void> {
  const { tcp, tcps } = ctx.config.ports;
  if (tcp === null && tcps === null) return;
  const deps: TcpIngestDeps = { db: ctx.db, pipeline: services.pipeline, logger: ctx.logger, access: services.access };
  const servers: ReturnType<typeof createTcpIngestServer>[] = [];
  if (tcps !== null) {
    const server = createTcpIngestServer(deps, ctx.tls);
    servers.push(server);
    await ctx.bind('tcps', server, ctx.config.host, tcps, '--tcps-port');
  }
  if (tcp !== null) {
    const server = createTcpIngestServer(deps, null);
    servers.push(server);
    await ctx.bind('tcp', server, ctx.config.host, tcp, '--tcp-port');
    ctx.flagInsecure('plain Ubidots TCP is on (--tcp-port): tokens and readings cross the network unencrypted');
  }
  // A revocation (this process or another) closes the connections that used the credential.
  const recheck = () => {
    for (const server of servers) for (const c of server.connections) c.recheck(services.access.stillValid);
  };
  services.watcher.on('change', recheck);
  ctx.onStop('tcp-revocation-watch', () => void services.watcher.off('change', recheck));
}
