/**
 * Whether a webhook URL's host is on the hub's allowlist (security policy
 * `webhookHosts`): an entry `name` allows that host on any port, `name:port`
 * that port only. Names compare case-insensitively; nothing is resolved, so
 * the check is on what the admin wrote, and redirects are never followed
 * (webhook.ts), so a listed host cannot send the hub elsewhere.
 */
export function webhookHostAllowed(url: string, allowlist: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:') return false;
  const host = u.hostname.toLowerCase();
  const port = u.port || '443';
  return allowlist.some((entry) => {
    const e = entry.trim().toLowerCase();
    return e === host || e === `${host}:${port}`;
  });
}
