/**
 * Inlined into index.html's <head> at build time (electron.vite.config.ts) and
 * allowed by its hash in the console's CSP (src-main/console/inline-scripts.ts).
 * A tab with a stored session sends its first API calls here, while the
 * bundle is still downloading and starting, instead of after it: on a device
 * page the series reach the charts about as soon as React can draw them
 * (bench/console, navigation to a drawn 30-day chart).
 */
import { viewportWidth } from '../charts/chart-width';
import { chartRouteOf } from '../lib/boot-route';
import type { EarlyCalls } from '../lib/early-calls';
import { parseStoredSession, sessionStorageKey } from '../lib/stored-session';

function send(token: string, method: string, input: object): Promise<Response> {
  const sent = fetch(`/api/rpc/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(input),
    credentials: 'omit',
  });
  // Read (and any failure reported) by lib/boot.ts; unhandled until then is not an error.
  sent.catch(() => undefined);
  return sent;
}

function start(): EarlyCalls | null {
  // The desktop window talks to the hub over IPC and keeps no session in storage.
  if (window.outpost) return null;
  let raw: string | null = null;
  try {
    raw = sessionStorage.getItem(sessionStorageKey);
  } catch {
    return null;
  }
  const session = parseStoredSession(raw, Date.now());
  if (!session) return null;
  const route = chartRouteOf(window.location.hash, viewportWidth(), Date.now());
  const { token } = session;
  return {
    token,
    me: send(token, 'auth.me', {}),
    chart: route && {
      route,
      device: send(token, 'devices.get', { deviceId: route.deviceId }),
      series: send(token, 'readings.series', { deviceId: route.deviceId, from: route.from, to: route.to, maxPoints: route.maxPoints }),
    },
  };
}

const early = start();
if (early) window.outpostEarly = early;
