import type { Server, Socket } from 'node:net';
import { HubError, errorCode, errorMessage } from '../errors';
import type { ListenerAddress } from '../../src-shared/config';

/** Every open socket of a bound server, so that closing it can end the ones nothing else tracks. */
const openSockets = new WeakMap<Server, Set<Socket>>();

function track(server: Server): void {
  if (openSockets.has(server)) return;
  const sockets = new Set<Socket>();
  openSockets.set(server, sockets);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
}

/** Binds a server and reports the address it really got (port 0 picks a free one). */
export function listen(server: Server, name: string, host: string, port: number, flag: string): Promise<ListenerAddress> {
  track(server);
  return new Promise((resolvePromise, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      const code = errorCode(err);
      if (code === 'EADDRINUSE') {
        reject(
          new HubError(
            'PORT_IN_USE',
            `The ${name} listener cannot use ${host}:${port}: another program is already listening there.`,
            `Stop that program (find it with: ss -ltnp 'sport = :${port}') or choose another port with ${flag}.`,
            { cause: err },
          ),
        );
      } else if (code === 'EACCES') {
        reject(
          new HubError(
            'LISTEN_FAILED',
            `The ${name} listener is not allowed to use ${host}:${port}.`,
            `Ports below 1024 need privileges; choose a higher port with ${flag}.`,
            { cause: err },
          ),
        );
      } else {
        reject(new HubError('LISTEN_FAILED', `The ${name} listener cannot start on ${host}:${port}: ${errorMessage(err)}.`, `Check ${flag} and the host address.`, { cause: err }));
      }
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      if (address && typeof address === 'object') resolvePromise({ host: address.address, port: address.port });
      else reject(new HubError('LISTEN_FAILED', `The ${name} listener has no address.`, 'Report this as a bug.'));
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolvePromise) => {
    if (!server.listening) {
      resolvePromise();
      return;
    }
    server.close(() => resolvePromise());
    // Keep-alive and idle connections must not hold shutdown open.
    (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
    // Nor may a socket the HTTP server no longer tracks: a WebSocket a browser opened again in the moment
    // between the live channel closing its sockets and this listener closing held `outpost serve` open for
    // good. What is still open after a short grace is cut.
    const left = openSockets.get(server);
    if (left && left.size > 0) setTimeout(() => left.forEach((s) => s.destroy()), shutdownGraceMs).unref();
  });
}

/** How long open connections may finish after their listener closed. */
const shutdownGraceMs = 1000;
