/**
 * Whether a host and port are on the hub's outbound allowlist (security
 * policy `webhookHosts`, which covers webhook targets and SMTP servers): an
 * entry `name` allows that host on any port, `name:port` that port only.
 * Names compare case-insensitively; nothing is resolved, so the check is on
 * what the admin wrote.
 */
export function hostAllowed(host: string, port: number | string, allowlist: readonly string[]): boolean {
  const h = host.toLowerCase();
  return allowlist.some((entry) => {
    const e = entry.trim().toLowerCase();
    return e === h || e === `${h}:${port}`;
  });
}

/**
 * Whether a webhook URL is https and its host on the allowlist. Redirects are
 * never followed (webhook.ts), so a listed host cannot send the hub elsewhere.
 */
export function webhookHostAllowed(url: string, allowlist: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:') return false;
  return hostAllowed(u.hostname, u.port || '443', allowlist);
}
