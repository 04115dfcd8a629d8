import type { ServerResponse } from 'node:http';
import { tileOrigin, tileOriginMeta } from '../../src-shared/map-tiles';

/** Sent on every HTTPS response the hub makes. */
export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/**
 * The policy with the hub's map tile server's origin (scheme, host, port: not
 * its path) added to `img-src`, and nothing else changed; unchanged without a
 * tile server, or when the stored template is not usable (it never widens more
 * than that one origin: map-tiles.ts refuses wildcards).
 */
export function withTileOrigin(csp: string, tileTemplate: string): string {
  const origin = tileOrigin(tileTemplate);
  if (origin === null) return csp;
  return csp
    .split('; ')
    .map((directive) => (directive.startsWith('img-src ') ? `${directive} ${origin}` : directive))
    .join('; ');
}

/**
 * The console runs only its own bundle, and index.html's boot script by its hash (added per page by
 * inline-scripts.ts): no other inline script, no third-party origin but the map tile server's images.
 */
export const consoleCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' wss: https:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/** The console's policy for a page served now, with the current map tile server (read per response: no restart). */
export function consoleCspFor(tileTemplate: string): string {
  return withTileOrigin(consoleCsp, tileTemplate);
}

/**
 * The page with the tile origin its CSP allows written into its head, so the
 * console draws tiles only when this page may load them: a tile server set
 * after the page was opened asks for a reload instead of tripping the CSP.
 * The origin is plain (map-tiles.ts): no character needs escaping.
 */
export function pageWithTileOrigin(html: string, tileTemplate: string): string {
  const origin = tileOrigin(tileTemplate);
  // At the end of the head: <meta charset> and the early boot script right after it must stay first (a script
  // there sends the first API calls before anything else is parsed).
  return html.replace(/<\/head>/i, (end) => `  <meta name="${tileOriginMeta}" content="${origin ?? ''}">\n  ${end}`);
}
