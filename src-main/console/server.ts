import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logging/logger';
import { untrusted } from '../logging/untrusted';
import { BodyError, parseJsonBody, readBody, sendError, sendJson } from '../http/body';
import { badPercentEncoding, decodePath } from '../http/decode-path';
import type { ApiContract } from '../../src-shared/api/contract';
import type { HandlerRegistry } from './registry';
import { setSecurityHeaders } from './security-headers';
import { serveStatic } from './static-files';
import { guardTlsListener, tlsListenerOptions, type TlsListenerLimits } from '../security/tls/listener';
import type { TlsMaterial } from '../security/tls/material';
import { anonymousGate, type ConsoleGate } from './gate';
import { restRoute } from './rest-routes';
import { isExportStream } from '../../src-shared/api/areas/history';
import { sendStream } from './send-stream';

export interface ConsoleServerOptions {
  tls: TlsMaterial;
  limits: TlsListenerLimits;
  registry: HandlerRegistry<ApiContract>;
  staticRoot: string;
  logger: Logger;
  gate?: ConsoleGate | undefined;
  /** The map tile server set now ('' = none): its origin is added to the CSP of the page served (security-headers.ts). */
  tileTemplate?: (() => string) | undefined;
}

const apiBodyLimit = 1024 * 1024;
const rpcPrefix = '/api/rpc/';

/** The console's HTTPS transport: the same contract handlers the Electron IPC uses, plus the built UI. */
export function createConsoleServer(options: ConsoleServerOptions): Server {
  const server = createServer(tlsListenerOptions(options.tls, options.limits), (req, res) => {
    setSecurityHeaders(res);
    handle(req, res, options).catch((err: unknown) => {
      options.logger.error({ err, url: untrusted(req.url) }, 'console request failed');
      if (!res.headersSent) sendError(res, 500, { code: 'INTERNAL', message: 'The request failed inside the hub; the log has details.' });
      else res.destroy();
    });
  });
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  guardTlsListener(server, 'console', options.limits, options.logger);
  return server;
}

/** The request target as a URL; `//x` would otherwise parse as a host name and throw. */
export function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(`https://console.invalid${(req.url ?? '/').startsWith('/') ? '' : '/'}${req.url ?? '/'}`);
  } catch {
    return null;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** CORS preflight (Fetch standard, "CORS-preflight request"): answered without a credential. */
function preflight(req: IncomingMessage, res: ServerResponse, gate: ConsoleGate): void {
  const origin = header(req, 'origin');
  if (!origin || !gate.preflightAllowed(origin, header(req, 'host'))) {
    sendError(res, 403, { code: 'ORIGIN_NOT_ALLOWED', message: 'Requests from this web origin are not allowed.' }, { Vary: 'Origin' });
    return;
  }
  res.writeHead(204, {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': 'POST, GET',
    'Access-Control-Allow-Headers': 'authorization, content-type',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  });
  res.end();
}

async function handle(req: IncomingMessage, res: ServerResponse, options: ConsoleServerOptions): Promise<void> {
  const url = requestUrl(req);
  if (!url) {
    sendError(res, 400, { code: 'BAD_REQUEST', message: 'The request path is not a valid URL path.' });
    return;
  }
  if (url.pathname === '/api/health') {
    sendJson(res, 200, { status: 'ok' });
    return;
  }
  if (url.pathname.startsWith('/api/')) {
    await handleApi(req, res, url, options);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(res, 405, { code: 'METHOD_NOT_ALLOWED', message: 'Only GET is allowed here.' }, { Allow: 'GET' });
    return;
  }
  await serveStatic(options.staticRoot, url.pathname, res, header(req, 'accept-encoding'), options.tileTemplate?.());
}

async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, options: ConsoleServerOptions): Promise<void> {
  const gate = options.gate ?? anonymousGate;
  if (req.method === 'OPTIONS') {
    preflight(req, res, gate);
    return;
  }
  const address = req.socket.remoteAddress ?? '';
  const admission = await gate.admit({ address, authorization: header(req, 'authorization'), origin: header(req, 'origin'), host: header(req, 'host') });
  if (!admission.ok) {
    req.resume();
    sendError(res, admission.status, admission.error, admission.headers);
    return;
  }
  const cors: Record<string, string> = admission.corsOrigin ? { 'Access-Control-Allow-Origin': admission.corsOrigin, Vary: 'Origin' } : {};
  let bytesIn = 0;
  const reply = (status: number, value: unknown, headers: Record<string, string> = {}) => {
    sendJson(res, status, value, { ...cors, ...headers });
    if (admission.principal) gate.account(admission.subject, bytesIn, Buffer.byteLength(JSON.stringify(value)));
  };

  let call: { method: string; input: unknown } | null;
  if (url.pathname.startsWith(rpcPrefix)) {
    if (req.method !== 'POST') {
      reply(405, { code: 'METHOD_NOT_ALLOWED', message: 'API methods are called with POST.' }, { Allow: 'POST' });
      return;
    }
    const method = decodePath(url.pathname.slice(rpcPrefix.length));
    if (method === null) {
      req.resume();
      reply(400, { code: 'BAD_REQUEST', message: badPercentEncoding });
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, apiBodyLimit);
      bytesIn = body.length;
      call = { method, input: parseJsonBody(body) };
    } catch (err) {
      if (err instanceof BodyError) {
        reply(err.status, { code: err.code, message: err.message });
        return;
      }
      throw err;
    }
  } else {
    call = req.method === 'GET' ? restRoute(url) : null;
    req.resume();
  }
  if (!call) {
    reply(404, { code: 'NOT_FOUND', message: `There is no API endpoint ${req.method ?? ''} ${url.pathname}.` });
    return;
  }
  const result = await options.registry.call(call.method, call.input, { origin: { address }, principal: admission.principal });
  if (result.ok && isExportStream(result.value)) {
    const bytesOut = await sendStream(res, result.value, cors, options.logger);
    if (admission.principal) gate.account(admission.subject, bytesIn, bytesOut);
  } else if (result.ok) reply(200, { result: result.value });
  else reply(result.status, result.error, result.headers);
}
