import type { IncomingMessage } from 'node:http';
import type { Server } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { z } from 'zod';
import { liveCloseCodes, livePath, type LiveServerMessage } from '../../src-shared/api/live';
import type { ApiError } from '../../src-shared/errors';
import type { Logger } from '../logging/logger';
import type { Pipeline } from '../ingest/pipeline/pipeline';
import { requestUrl } from './server';
import type { StoredReading } from '../ingest/pipeline/types';

/** What the live channel may stream to one credential, re-read while the socket is open. */
export interface LiveGrant {
  deviceIds: ReadonlySet<number>;
  /** The devices visible now, or null when the credential no longer holds (signed out, revoked, expired, disabled). */
  refresh(): Promise<ReadonlySet<number> | null>;
}

/** The AAA side of the channel; the hub passes the real one (src-main/access/live-access.ts). */
export interface LiveAccess {
  open(req: { token: string; address: string; origin: string | undefined; host: string | undefined }): Promise<{ ok: true; grant: LiveGrant } | { ok: false; error: ApiError }>;
}

export interface LiveChannelOptions {
  /** `pipeline.live`: emits `readings` after their transaction committed. */
  readings: Pipeline['live'];
  access: LiveAccess;
  logger: Logger;
  /** Fires when credentials or grants may have changed (this process or another): every open socket re-checks at once. */
  changes?: { on(event: 'change', fn: () => void): unknown; off(event: 'change', fn: () => void): unknown };
  /** Alarm events (alarms/service.ts): sockets that may see the device are told to refetch their alarms. */
  alarms?: { on(event: 'alarm', fn: (e: { deviceId: number }) => void): unknown; off(event: 'alarm', fn: (e: { deviceId: number }) => void): unknown };
  /** Command events (commands/service.ts): sockets that may see the device are told to refetch its command history. */
  commands?: { on(event: 'command', fn: (e: { deviceId: number }) => void): unknown; off(event: 'command', fn: (e: { deviceId: number }) => void): unknown };
  /** How often an open socket re-checks its credential and device set anyway. */
  recheckMs?: number;
  /** How long a new socket may take to send its token. */
  helloTimeoutMs?: number;
}

const helloSchema = z.object({ type: z.literal('auth'), token: z.string().min(1).max(4096) }).strict();

/** A browser that stops reading gets disconnected rather than buffering without bound; it reconnects and reloads. */
const maxBufferedBytes = 1024 * 1024;

/**
 * Committed readings to the console, over a WebSocket on the console's own
 * HTTPS server. Only readings of devices the credential may read are sent,
 * and the socket closes once the credential stops being valid.
 */
export function attachLiveChannel(server: Server, options: LiveChannelOptions): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 });
  const recheckMs = options.recheckMs ?? 5_000;
  const helloTimeoutMs = options.helloTimeoutMs ?? 10_000;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (requestUrl(req)?.pathname !== livePath) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, req, options, recheckMs, helloTimeoutMs));
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
  send(ws, { type: 'error', ...error });
  // Close reasons are limited to 123 bytes (RFC 6455 §5.5); the full message went in the frame above.
  ws.close(code, error.code);
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

function serveSocket(ws: WebSocket, req: IncomingMessage, options: LiveChannelOptions, recheckMs: number, helloTimeoutMs: number): void {
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
    void options.access.open({ token, address, origin: header(req, 'origin'), host: header(req, 'host') }).then(
      (opened) => {
        if (!opened.ok) {
          refuse(ws, opened.error.code === 'FORBIDDEN' ? liveCloseCodes.forbidden : liveCloseCodes.unauthenticated, opened.error);
          return;
        }
        if (ws.readyState !== ws.OPEN) return;
        stop = stream(ws, opened.grant, options, recheckMs);
      },
      (err: unknown) => {
        options.logger.error({ err }, 'live channel authentication failed');
        refuse(ws, 1011, { code: 'INTERNAL', message: 'The hub could not check the token; the log has details.' });
      },
    );
  });
}

/** Streams until the socket closes or the credential lapses; returns the cleanup. */
function stream(ws: WebSocket, grant: LiveGrant, options: LiveChannelOptions, recheckMs: number): () => void {
  let visible = grant.deviceIds;
  const onReadings = (stored: StoredReading[]) => {
    const readings = stored.filter((r) => visible.has(r.deviceId)).map((r) => ({ deviceId: r.deviceId, device: r.device, variable: r.variable, ts: r.ts, value: r.value, protocol: r.protocol }));
    if (readings.length === 0) return;
    if (ws.bufferedAmount > maxBufferedBytes) {
      ws.close(1013, 'Too far behind; reconnect.');
      return;
    }
    send(ws, { type: 'readings', readings });
  };
  const check = () => {
    void grant.refresh().then(
      (now) => {
        if (now) visible = now;
        else refuse(ws, liveCloseCodes.sessionEnded, { code: 'SESSION_ENDED', message: 'Your session has ended (signed out, revoked or expired). Sign in again.' });
      },
      (err: unknown) => options.logger.error({ err }, 'live channel re-check failed'),
    );
  };
  const onAlarm = (e: { deviceId: number }) => {
    if (visible.has(e.deviceId)) send(ws, { type: 'alarms', deviceIds: [e.deviceId] });
  };
  const onCommand = (e: { deviceId: number }) => {
    if (visible.has(e.deviceId)) send(ws, { type: 'commands', deviceIds: [e.deviceId] });
  };
  const recheck = setInterval(check, recheckMs);
  options.readings.on('readings', onReadings);
  options.changes?.on('change', check);
  options.alarms?.on('alarm', onAlarm);
  options.commands?.on('command', onCommand);
  send(ws, { type: 'ready', deviceIds: [...visible] });
  return () => {
    clearInterval(recheck);
    options.readings.off('readings', onReadings);
    options.changes?.off('change', check);
    options.alarms?.off('alarm', onAlarm);
    options.commands?.off('command', onCommand);
  };
}
