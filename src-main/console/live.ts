import type { IncomingMessage } from 'node:http';
import type { Server } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { z } from 'zod';
import { liveCloseCodes, livePath, type LiveServerMessage } from '../../src-shared/api/live';
import type { ApiError } from '../../src-shared/errors';
import { requestUrl } from './server';
import { openLiveFeed, refuseFeed, type LiveFeedOptions, type LiveSink } from './live-feed';

export interface LiveChannelOptions extends LiveFeedOptions {
  /** How long a new socket may take to send its token. */
  helloTimeoutMs?: number;
}

const helloSchema = z.object({ type: z.literal('auth'), token: z.string().min(1).max(4096) }).strict();

/** A browser that stops reading gets disconnected rather than buffering without bound; it reconnects and reloads. */
const maxBufferedBytes = 1024 * 1024;

/**
 * Committed readings to the console, over a WebSocket on the console's own
 * HTTPS server. The socket's first message carries the token; from then on
 * it is one live feed (console/live-feed.ts): only readings of devices the
 * credential may read are sent, and the socket closes once the credential
 * stops being valid.
 */
export function attachLiveChannel(server: Server, options: LiveChannelOptions): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 });
  const helloTimeoutMs = options.helloTimeoutMs ?? 10_000;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (requestUrl(req)?.pathname !== livePath) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, req, options, helloTimeoutMs));
  };
  server.on('upgrade', onUpgrade);
  return {
    close() {
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.close(liveCloseCodes.shuttingDown, 'The hub is stopping.');
      wss.close();
    },
  };
}

function send(ws: WebSocket, message: LiveServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

function refuse(ws: WebSocket, code: number, error: ApiError): void {
  refuseFeed(socketSink(ws), code, error);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseHello(data: RawData): string | null {
  try {
    const parsed = helloSchema.safeParse(JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8')));
    return parsed.success ? parsed.data.token : null;
  } catch {
    return null;
  }
}

/** The WebSocket's end of a feed (console/live-feed.ts). */
function socketSink(ws: WebSocket): LiveSink {
  return {
    send: (message) => send(ws, message),
    close: (code, reason) => ws.close(code, reason),
    behind: () => ws.bufferedAmount > maxBufferedBytes,
  };
}

function serveSocket(ws: WebSocket, req: IncomingMessage, options: LiveChannelOptions, helloTimeoutMs: number): void {
  const address = req.socket.remoteAddress ?? '';
  let stop = () => undefined as void;
  const helloTimer = setTimeout(
    () => refuse(ws, liveCloseCodes.unauthenticated, { code: 'UNAUTHENTICATED', message: 'No token arrived: send {"type":"auth","token":"…"} as the first message.' }),
    helloTimeoutMs,
  );
  ws.on('close', () => {
    clearTimeout(helloTimer);
    stop();
  });
  ws.on('error', (err) => options.logger.debug({ err }, 'live socket error'));
  ws.once('message', (data) => {
    clearTimeout(helloTimer);
    const token = parseHello(data);
    if (!token) {
      refuse(ws, liveCloseCodes.badMessage, { code: 'INVALID_INPUT', message: 'The first message must be {"type":"auth","token":"…"}.' });
      return;
    }
    stop = openLiveFeed(options, { token, address, origin: header(req, 'origin'), host: header(req, 'host') }, socketSink(ws));
  });
}
