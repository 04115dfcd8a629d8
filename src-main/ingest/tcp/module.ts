import { createServer as createPlainServer, type Server, type Socket } from 'node:net';
import { ingestLimits } from '../../../src-shared/reading';
import type { DeviceAuth } from '../../access/device-authenticate';
import type { HubContext } from '../../hub-context';
import { limitConnections } from '../../lifecycle/connection-limits';
import type { Logger } from '../../logging/logger';
import { createTlsListener, listenerLimits } from '../../security/tls/listener';
import type { TlsMaterial } from '../../security/tls/material';
import type { DbWatcher } from '../../store/db-watcher';
import type { Pipeline } from '../pipeline/pipeline';
import { serveTcpConnection, type TcpConnection, type TcpLimits } from './connection';
import type { TcpIngestDeps } from './handle-request';

const maxConnections = 4096;
export const defaultTcpLimits: TcpLimits = { maxRequestBytes: ingestLimits.maxPayloadBytes, idleMs: 60_000, maxQueued: 32, maxConnections, maxPerAddress: 256, handshakeMs: 10_000 };

export interface TcpIngestServices {
  pipeline: Pipeline;
  access: DeviceAuth;
  watcher: DbWatcher;
}

export function createTcpIngestServer(deps: TcpIngestDeps, tls: TlsMaterial | null, limits: TcpLimits = defaultTcpLimits): Server & { connections: ReadonlySet<TcpConnection> } {
  const open = new Set<TcpConnection>();
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
  return Object.assign(server, { connections: open as ReadonlySet<TcpConnection> });
}

function plainServer(limits: TcpLimits, logger: Logger, onConnection: (socket: Socket) => void): Server {
  const server = createPlainServer(onConnection);
  limitConnections(server, 'tcp', limits, logger);
  return server;
}

/** Ubidots TCP: over TLS on ports.tcps, in clear on ports.tcp (flagged insecure); both off unless configured. */
export async function startTcpIngest(ctx: HubContext, services: TcpIngestServices): Promise<void> {
  const { tcp, tcps } = ctx.config.ports;
  if (tcp === null && tcps === null) return;
  const deps: TcpIngestDeps = { db: ctx.db, pipeline: services.pipeline, logger: ctx.logger, access: services.access };
  const limits: TcpLimits = { ...defaultTcpLimits, ...listenerLimits(ctx.config, maxConnections) };
  const servers: ReturnType<typeof createTcpIngestServer>[] = [];
  if (tcps !== null) {
    const server = createTcpIngestServer(deps, ctx.tls, limits);
    servers.push(server);
    await ctx.bind('tcps', server, ctx.config.host, tcps, '--tcps-port');
  }
  if (tcp !== null) {
    const server = createTcpIngestServer(deps, null, limits);
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
