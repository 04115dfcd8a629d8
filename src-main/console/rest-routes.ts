/**
 * A few read-only REST paths for tools that expect them; each maps onto a
 * contract method, so it is authorized exactly like the RPC call.
 */
export function restRoute(url: URL): { method: string; input: unknown } | null {
  const match = /^\/api\/devices\/(\d{1,15})\/(events|series|export)$/.exec(url.pathname);
  if (!match) return null;
  const deviceId = Number(match[1]);
  const q = url.searchParams;
  const number = (name: string) => (q.get(name) === null ? {} : { [name]: Number(q.get(name)) });
  const text = (name: string) => (q.get(name) === null ? {} : { [name]: q.get(name) });
  // No `variables` parameter: every variable of the device (series); export refuses it by name.
  const range = { variables: q.get('variables') === null ? undefined : q.get('variables')!.split(',').filter(Boolean), from: timeParam(q.get('from')), to: timeParam(q.get('to')) };
  switch (match[2]) {
    case 'events':
      return { method: 'devices.events', input: { deviceId, ...number('count') } };
    case 'series':
      return { method: 'readings.series', input: { deviceId, ...range, ...number('maxPoints') } };
    default:
      return { method: 'readings.export', input: { deviceId, ...range, ...text('format'), ...text('shape'), ...number('maxPoints') } };
  }
}

/** `from`/`to` as ms since the epoch or ISO 8601; anything else is passed on for the contract to refuse by name. */
function timeParam(value: string | null): unknown {
  if (value === null) return undefined;
  if (/^\d{1,16}$/.test(value)) return Number(value);
  const parsed = Date.parse(value);
  return Number.isFinite(parsed) ? parsed : value;
}
