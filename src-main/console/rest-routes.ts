/**
 * A few read-only REST paths for tools that expect them; each maps onto a
 * contract method, so it is authorized exactly like the RPC call.
 */
export function restRoute(url: URL): { method: string; input: unknown } | null {
  const events = /^\/api\/devices\/(\d{1,15})\/events$/.exec(url.pathname);
  if (events) {
    const count = url.searchParams.get('count');
    return { method: 'devices.events', input: { deviceId: Number(events[1]), ...(count !== null ? { count: Number(count) } : {}) } };
  }
  return null;
}
