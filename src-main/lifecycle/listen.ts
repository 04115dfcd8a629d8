import type { Server } from 'node:net';
import { HubError, errorCode, errorMessage } from '../errors';
import type { ListenerAddress } from '../../src-shared/config';

/** Binds a server and reports the address it really got (port 0 picks a free one). */
export function listen(server: Server, name: string, host: string, port: number, flag: string): Promise<ListenerAddress> {
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
  });
}
