import { createHash } from 'node:crypto';

const scriptElement = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;

/**
 * CSP hash sources (CSP Level 3, "hash-source": 'sha256-' and the base64 of
 * the SHA-256 of the script's text) for the inline scripts of a page the hub
 * serves: the built console's index.html carries one, its boot script
 * (src-renderer/early/early-boot.ts). Scripts loaded by `src` need none.
 */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const [, attributes = '', text = ''] of html.matchAll(scriptElement)) {
    if (/\bsrc\s*=/i.test(attributes) || text === '') continue;
    hashes.push(`'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`);
  }
  return [...new Set(hashes)];
}

/**
 * The policy with exactly this page's inline scripts allowed by hash: still no
 * 'unsafe-inline', so a script injected into the page (or any other inline
 * script) is refused.
 */
export function cspForPage(csp: string, html: string): string {
  const hashes = inlineScriptHashes(html);
  if (hashes.length === 0) return csp;
  return csp
    .split('; ')
    .map((directive) => (directive.startsWith('script-src ') ? `${directive} ${hashes.join(' ')}` : directive))
    .join('; ');
}
