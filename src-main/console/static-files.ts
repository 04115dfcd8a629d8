import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { badPercentEncoding, decodePath } from '../http/decode-path';
import { sendError } from '../http/body';
import { consoleCsp } from './security-headers';

/** The file types the built console ships, by extension (also served to the desktop window: desktop/app-files.ts). */
export const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Serves the built console; unknown paths get index.html (client-side routes). */
export async function serveStatic(root: string, urlPath: string, res: ServerResponse): Promise<void> {
  const decoded = decodePath(urlPath.split('?')[0] ?? '/');
  if (decoded === null) {
    sendError(res, 400, { code: 'BAD_REQUEST', message: badPercentEncoding });
    return;
  }
  const relative = normalize(decoded).replace(/^([/\\])+/, '');
  let file = join(root, relative);
  if (!file.startsWith(root + sep) && file !== root) {
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end('Bad path');
    return;
  }
  const isFile = await stat(file).then((s) => s.isFile(), () => false);
  if (!isFile) file = join(root, 'index.html');
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': consoleCsp });
    res.end('The console has not been built. Run `npm run build` in the Outpost folder, then reload this page.\n');
    return;
  }
  const type = contentTypes[extname(file)] ?? 'application/octet-stream';
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Security-Policy': consoleCsp,
    'Cache-Control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
  });
  res.end(body);
}
