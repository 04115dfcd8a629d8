import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logging/logger';
import { BodyError, parseJsonBody, readBody, sendError, sendJson } from '../http/body';
import type { ApiContract } from '../../src-shared/api/contract';
import type { HandlerRegistry } from './registry';
import { setSecurityHeaders } from './security-headers';
import { serveStatic } from './static-files';
import type { TlsOptions } from 'node:tls';

export interface ConsoleServerOptions {
  tls: TlsOptions;
  registry: HandlerRegistry<ApiContract>;
  staticRoot: string;
  logger: Logger;
}

const apiBodyLimit = 1024 * 1024;
const rpcPrefix = '/api/rpc/';

/** The console's HTTPS transport: the same contract handlers the Electron IPC uses, plus the built UI. */
export function createConsoleServer(options: ConsoleServerOptions): Server {
  const server = createServer({ ...options.tls }, (req, res) => {
    setSecurityHeaders(res);
    handle(req, res, options).catch((err: unknown) => {
      options.logger.error({ err, url: req.url }, 'console request failed');
      if (!res.headersSent) sendError(res, 500, { code: 'INTERNAL', message: 'The request failed inside the hub; the log has details.' });
      else res.destroy();
    });
  });
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  return server;
}

async function handle(req: IncomingMessage, res: ServerResponse, options: ConsoleServerOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://console.invalid');
  if (url.pathname === '/api/health') {
    sendJson(res, 200, { status: 'ok' });
    return;
  }
  if (url.pathname.startsWith(rpcPrefix)) {
    if (req.method !== 'POST') {
      sendError(res, 405, { code: 'METHOD_NOT_ALLOWED', message: 'API methods are called with POST.' }, { Allow: 'POST' });
      return;
    }
    let input: unknown;
    try {
      input = parseJsonBody(await readBody(req, apiBodyLimit));
    } catch (err) {
      if (err instanceof BodyError) {
        sendError(res, err.status, { code: err.code, message: err.message });
        return;
      }
      throw err;
    }
    const method = decodeURIComponent(url.pathname.slice(rpcPrefix.length));
    const result = await options.registry.call(method, input, { origin: { address: req.socket.remoteAddress ?? '' } });
    if (result.ok) sendJson(res, 200, { result: result.value });
    else sendError(res, result.status, result.error);
    return;
  }
  if (url.pathname.startsWith('/api/')) {
    sendError(res, 404, { code: 'NOT_FOUND', message: `There is no API endpoint ${url.pathname}.` });
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(res, 405, { code: 'METHOD_NOT_ALLOWED', message: 'Only GET is allowed here.' }, { Allow: 'GET' });
    return;
  }
  await serveStatic(options.staticRoot, url.pathname, res);
}
