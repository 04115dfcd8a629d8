import { StringDecoder } from 'node:string_decoder';
import type { Socket } from 'node:net';
import { UbidotsTcpFramer, type TcpFrame } from '../../../src-shared/protocols/ubidots-tcp';
import { subjectOf, type Principal } from '../../access/principal';
import type { TlsListenerLimits } from '../../security/tls/listener';
import { handleTcpFrame, type TcpIngestDeps } from './handle-request';

/** Per connection, and the listener's (connections in total and per address; TLS handshake time). */
export interface TcpLimits extends TlsListenerLimits {
  /** A request (one `...|end`) longer than this is refused with ERROR|400. */
  maxRequestBytes: number;
  /** A connection that sends nothing for this long is closed. */
  idleMs: number;
  /** Requests a client may queue before the hub stops reading from it. */
  maxQueued: number;
  /**
   * A request that ends in "|end" with too few fields (`UA|POST|TOKEN|end`)
   * is answered ERROR|400 when nothing more arrives within this time (the
   * rest of a device label starting with "end" may still be on its way).
   */
  shortRequestMs?: number;
}

const defaultShortRequestMs = 1_000;

/**
 * One device connection: any number of requests, each answered in order;
 * requests split across packets wait for the rest; a client that pipelines
 * faster than the hub stores is paused rather than buffered without bound.
 */
export interface TcpConnection {
  shutdown(): void;
  /** Closes the connection at once if a credential it used no longer holds (revoked, disabled, removed). */
  recheck(stillValid: (p: Principal) => boolean): void;
}

export function serveTcpConnection(socket: Socket, deps: TcpIngestDeps, limits: TcpLimits): TcpConnection {
  const address = socket.remoteAddress ?? '';
  // The credentials this connection has used: a revocation closes it, as it closes an MQTT session.
  const used = new Map<string, Principal>();
  const decoder = new StringDecoder('utf8');
  const framer = new UbidotsTcpFramer(limits.maxRequestBytes);
  const queue: TcpFrame[] = [];
  let busy = false;
  let closing = false;
  socket.setNoDelay(true);
  socket.setTimeout(limits.idleMs);
  socket.on('timeout', () => {
    // Half-open or silent: free the socket. A partial request left behind is a refusal worth counting.
    if (framer.pending > 0 || busy) deps.pipeline.countRejection('tcp', 'timeout');
    socket.destroy();
  });
  socket.on('error', (err) => deps.logger.debug({ err, address }, 'tcp ingest: connection error'));
  let shortTimer: NodeJS.Timeout | undefined;
  socket.on('close', () => clearTimeout(shortTimer));
  socket.on('data', (chunk: Buffer) => {
    if (closing) return;
    clearTimeout(shortTimer);
    const frames = framer.push(decoder.write(chunk));
    // After garbage, bytes the decoder holds back (an unfinished UTF-8 sequence) belong to the garbage, not the next request.
    if (frames.some((f) => !f.ok)) decoder.end();
    enqueue(frames);
    if (framer.endsShort) {
      shortTimer = setTimeout(() => {
        const frame = framer.flush();
        if (frame) enqueue([frame]);
      }, limits.shortRequestMs ?? defaultShortRequestMs);
    }
  });

  function enqueue(frames: TcpFrame[]): void {
    queue.push(...frames);
    if (queue.length >= limits.maxQueued) socket.pause();
    void drain();
  }

  async function drain(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      while (queue.length > 0 && !socket.destroyed) {
        const frame = queue.shift()!;
        let reply: string;
        try {
          reply = await handleTcpFrame(deps, frame, address, (p) => used.set(p.kind === 'apiKey' ? p.jti : subjectOf(p), p));
        } catch (err) {
          deps.logger.error({ err, address }, 'tcp ingest: request failed');
          reply = 'ERROR|500';
        }
        if (!socket.destroyed) socket.write(reply);
      }
    } finally {
      busy = false;
      if (closing) socket.end();
      else if (socket.isPaused() && !socket.destroyed) socket.resume();
    }
  }

  return {
    recheck(stillValid) {
      for (const p of used.values()) {
        if (stillValid(p)) continue;
        deps.logger.warn({ address, kind: p.kind }, 'tcp ingest: connection closed, its token was revoked');
        socket.destroy();
        return;
      }
    },
    /** Hub stopping: answer what is being stored, then close; idle connections close at once. */
    shutdown() {
      closing = true;
      queue.length = 0;
      if (!busy) socket.end();
      // A client that never reads must not hold shutdown open.
      setTimeout(() => socket.destroy(), 2000).unref();
    },
  };
}
