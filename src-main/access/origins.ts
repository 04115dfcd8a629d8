/**
 * Browser origins are compared in their serialised form (scheme://host[:port]),
 * which is what the Origin header carries (RFC 6454 section 6.1).
 */
export function normaliseOrigin(text: string): string | null {
  try {
    const url = new URL(text);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

export function originAllowed(allowlist: readonly string[], origin: string): boolean {
  const wanted = normaliseOrigin(origin);
  return wanted !== null && allowlist.some((o) => normaliseOrigin(o) === wanted);
}

/**
 * Login return targets: a path on this console ("/dashboards/3"), or an
 * absolute URL whose origin is on the allowlist. "//evil.example" and
 * "/\\evil.example" are protocol-relative to browsers, so they are refused.
 */
export function redirectAllowed(target: string, allowlist: readonly string[]): boolean {
  if (target.startsWith('/')) return !/^\/[/\\]/.test(target) && !/[\r\n\t]/.test(target);
  const origin = normaliseOrigin(target);
  return origin !== null && originAllowed(allowlist, origin);
}
