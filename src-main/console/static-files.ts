import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { badPercentEncoding, decodePath } from '../http/decode-path';
import { sendError } from '../http/body';
import { consoleCsp, consoleCspFor, pageWithTileOrigin } from './security-headers';
import { cspForPage } from './inline-scripts';

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

/** Whether an Accept-Encoding header (RFC 9110, 12.5.3) accepts brotli: listed, and not with q=0. */
export function acceptsBrotli(acceptEncoding: string | undefined): boolean {
  return (acceptEncoding ?? '').split(',').some((entry) => {
    const [coding, ...params] = entry.split(';').map((p) => p.trim().toLowerCase());
    if (coding !== 'br') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/**
 * Serves the built console; unknown paths get index.html (client-side routes).
 * Scripts and style sheets go brotli-compressed to a browser that accepts it,
 * from the `.br` copy the build wrote next to them. `tileTemplate` is the map
 * tile server set now: its origin goes into the CSP and the page (security-headers.ts).
 */
export async function serveStatic(root: string, urlPath: string, res: ServerResponse, acceptEncoding?: string, tileTemplate = ''): Promise<void> {
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
  const compressible = /\.(js|css)$/.test(file);
  const compressed = compressible && acceptsBrotli(acceptEncoding) ? await readFile(`${file}.br`).catch(() => null) : null;
  try {
    body = compressed ?? (await readFile(file));
  } catch {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': consoleCsp });
    res.end('The console has not been built. Run `npm run build` in the Outpost folder, then reload this page.\n');
    return;
  }
  const type = contentTypes[extname(file)] ?? 'application/octet-stream';
  const csp = consoleCspFor(tileTemplate);
  if (extname(file) === '.html') body = Buffer.from(pageWithTileOrigin(body.toString('utf8'), tileTemplate));
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Security-Policy': extname(file) === '.html' ? cspForPage(csp, body.toString('utf8')) : csp,
    'Cache-Control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
    ...(compressed ? { 'Content-Encoding': 'br' } : {}),
    // Caches keep the compressed and the plain copy apart.
    ...(compressible ? { Vary: 'Accept-Encoding' } : {}),
  });
  res.end(body);
}
