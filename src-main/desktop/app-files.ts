import { extname, join, relative, resolve, sep } from 'node:path';
import { contentTypes } from '../console/static-files';
import { appOrigin, desktopCsp } from './window-policy';

export interface AppFile {
  path: string;
  headers: Record<string, string>;
}

/**
 * The file under `root` (the built renderer) that an `outpost://app/...`
 * request names, with the headers it is served with; null for anything else:
 * another host, a path that leaves the root (also when percent-encoded), a
 * file type the console does not ship. Serving from a scheme of our own rather
 * than file:// gives the page an origin and response headers (the CSP: `csp`,
 * the window's with the current map tile server, desktopCspFor).
 */
export function appFile(root: string, requestUrl: string, csp = desktopCsp): AppFile | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (`${url.protocol}//${url.host}` !== appOrigin) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const base = resolve(root);
  const path = resolve(join(base, pathname === '/' ? 'index.html' : pathname));
  const inside = relative(base, path);
  if (inside === '' || inside.startsWith('..') || inside.split(sep).includes('..') || resolve(base, inside) !== path) return null;
  const type = contentTypes[extname(path).toLowerCase()];
  if (!type) return null;
  return {
    path,
    headers: {
      'Content-Type': type,
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Opener-Policy': 'same-origin',
    },
  };
}
