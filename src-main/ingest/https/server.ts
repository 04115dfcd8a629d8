import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { errorCode, ServiceError } from '../../errors';
import type { ConnectionLimits } from '../../lifecycle/connection-limits';
import { guardTlsListener, tlsListenerOptions } from '../../security/tls/listener';
import type { TlsMaterial } from '../../security/tls/material';
import { sendError } from '../../http/body';
import { setSecurityHeaders } from '../../console/security-headers';
import type { Exchange, HttpsIngestDeps } from './exchange';
import { afterResponses, trackResponse } from './in-flight';
import { HttpRefusal } from './refusal';
import { matchRoute } from './routes';

/**
 * Timeouts that keep slow or half-open clients from holding sockets
 * (slowloris): headers must arrive within `headersMs` of the connection or of
 * the previous response, the whole request within `requestMs`; an idle
 * keep-alive socket is closed after `keepAliveMs`; a TLS handshake gets
 * `handshakeMs`.
 */
export interface HttpsTimeouts {
  headersMs: number;
  requestMs: number;
  keepAliveMs: number;
  handshakeMs: number;
  /** How often node looks for connections past headersMs/requestMs. */
  checkIntervalMs: number;
}

export const defaultHttpsTimeouts: HttpsTimeouts = { headersMs: 10_000, requestMs: 20_000, keepAliveMs: 15_000, handshakeMs: 10_000, checkIntervalMs: 1_000 };

export const defaultHttpsConnectionLimits: ConnectionLimits = { maxConnections: 4096, maxPerAddress: 256 };
const maxHeaderBytes = 8 * 1024;
const noSuchEndpoint =
  'There is no such endpoint. This listener serves POST /api/v1.6/devices/{device}, POST /api/v1.6/devices/{device}/{variable}/values, GET /api/v1.6/devices/{device}/{variable}/lv and POST /api/v1.6/auth/token.';

export function createHttpsIngestServer(
  tls: TlsMaterial,
  deps: HttpsIngestDeps,
  timeouts: HttpsTimeouts = defaultHttpsTimeouts,
  limits: ConnectionLimits = defaultHttpsConnectionLimits,
): Server {
  const server = createServer(
    { ...tlsListenerOptions(tls, { handshakeMs: timeouts.handshakeMs }), maxHeaderSize: maxHeaderBytes, keepAliveTimeout: timeouts.keepAliveMs, connectionsCheckingInterval: timeouts.checkIntervalMs, noDelay: true },
    (req, res) => {
      setSecurityHeaders(res);
      trackResponse(req, res);
      const x: Exchange = { req, res, url: new URL(req.url ?? '/', 'https://ingest.invalid'), address: req.socket.remoteAddress ?? '', deps };
      handle(x).catch((err: unknown) => answerFailure(x, err));
    },
  );
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = timeouts.requestMs;
  server.keepAliveTimeout = timeouts.keepAliveMs;
  server.on('clientError', (err: Error, socket: Socket) => onClientError(deps, err, socket));
  // A TLS failure (plain HTTP on the TLS port, wrong CA) is the client's problem: socket destroyed, listener up.
  guardTlsListener(server, 'https', limits, deps.logger);
  return server;
}

async function handle(x: Exchange): Promise<void> {
  const match = matchRoute(x.url.pathname);
  if (!match) throw new HttpRefusal(404, 'NOT_FOUND', noSuchEndpoint, 'bad_request');
  const method = x.req.method ?? '';
  const handler = Object.hasOwn(match.route.methods, method) ? match.route.methods[method] : undefined;
  if (!handler) {
    const allowed = Object.keys(match.route.methods).join(', ');
    throw new HttpRefusal(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here; use ${allowed}.`, 'bad_request', '', { Allow: allowed });
  }
  await handler(x, match.params);
}

function answerFailure(x: Exchange, err: unknown): void {
  if (err instanceof HttpRefusal) {
    if (err.reason) x.deps.pipeline.countRejection('https', err.reason, err.deviceLabel, 1, { address: x.req.socket.remoteAddress ?? '', target: x.url.pathname, message: err.message, ...x.refusalOwner });
    if (x.res.headersSent) x.res.destroy();
    else sendError(x.res, err.status, { code: err.code, message: err.message, ...err.extra }, err.headers);
    return;
  }
  if (err instanceof ServiceError) {
    // A service behind a route (API keys) refused with its own status and message.
    const headers = (err as { headers?: Record<string, string> }).headers ?? {};
    if (!x.res.headersSent) sendError(x.res, err.status, { code: err.code, message: err.message }, headers);
    return;
  }
  // The URL may carry a token (ThingsBoard paths): log the route shape only.
  x.deps.logger.error({ err, method: x.req.method, route: matchRoute(x.url.pathname) ? 'ingest' : 'unknown' }, 'https ingest request failed');
  if (!x.res.headersSent) sendError(x.res, 500, { code: 'INTERNAL', message: 'The request failed inside the hub; nothing from it may have been stored. The hub log has details.' });
  else x.res.destroy();
}

/** HTTP-level failures node detects itself (timeouts, bad framing, huge headers): answered, counted, socket closed. */
function onClientError(deps: HttpsIngestDeps, err: Error, socket: Socket): void {
  const code = errorCode(err) ?? '';
  const timeout = code === 'ERR_HTTP_REQUEST_TIMEOUT';
  if (code !== 'ECONNRESET') deps.pipeline.countRejection('https', timeout ? 'timeout' : code === 'HPE_HEADER_OVERFLOW' ? 'too_large' : 'bad_request');
  if (!socket.writable || code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, text, message] = timeout
    ? [408, 'Request Timeout', 'The request was not received in time; send headers and body without pausing.']
    : code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', `Request headers are limited to ${maxHeaderBytes} bytes.`]
      : [400, 'Bad Request', 'The request is not valid HTTP/1.1.'];
  const body = JSON.stringify({ code: timeout ? 'REQUEST_TIMEOUT' : 'BAD_REQUEST', message });
  // Requests parsed before the bad bytes are answered first, in order; then this answer, then the socket closes.
  afterResponses(socket, () => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nStrict-Transport-Security: max-age=63072000; includeSubDomains\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
