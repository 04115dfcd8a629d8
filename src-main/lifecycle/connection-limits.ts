import { isIPv4 } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Logger } from '../logging/logger';

/** What one listener lets in (README, "Connection limits"). */
export interface ConnectionLimits {
  /** Open connections on this listener; node refuses more at accept (net.Server.maxConnections). */
  maxConnections: number;
  /** Open connections from one remote address (IPv6: one /64) on this listener. */
  maxPerAddress: number;
}

/**
 * The key a remote address is counted under. An IPv6 host usually owns a
 * whole /64, so counting single addresses would not limit it; IPv4-mapped
 * IPv6 addresses count as the IPv4 address.
 */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIPv4(address) || !address.includes(':')) return address;
  const [head] = address.split('%');
  const halves = head!.split('::');
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  const groups = halves.length > 1 ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** How often a listener logs the connections it refused (the refusals themselves are not logged one by one). */
const refusalLogMs = 10_000;

/**
 * Caps a listener's connections in total and per remote address, so one
 * address holding idle or half-open sockets cannot lock every other device
 * out. Counted on the raw TCP socket, before TLS: a refused connection costs
 * no handshake.
 */
export function limitConnections(server: Server, name: string, limits: ConnectionLimits, logger: Logger): void {
  server.maxConnections = limits.maxConnections;
  const open = new Map<string, number>();
  let refused = 0;
  let lastLog = 0;
  // Prepended: a TLS server wraps the socket in its own 'connection' listener, which must not start on a refused one.
  server.prependListener('connection', (socket: Socket) => {
    const key = addressKey(socket.remoteAddress);
    const count = open.get(key) ?? 0;
    if (count >= limits.maxPerAddress) {
      refused += 1;
      const now = Date.now();
      if (now - lastLog >= refusalLogMs) {
        logger.warn({ listener: name, address: key, limit: limits.maxPerAddress, refused }, `${name}: too many connections from one address; new ones are closed at once`);
        lastLog = now;
        refused = 0;
      }
      socket.destroy();
      return;
    }
    open.set(key, count + 1);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
}
