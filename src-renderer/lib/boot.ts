import type { QueryClient } from '@tanstack/react-query';
import type { ApiOutput } from '../../src-shared/api/contract';
import { adoptCall, api, loadSession, setAccessToken } from './api';
import { apiKey } from './query';
import { seriesQuery } from './series-query';
import { presetRange } from '../charts/ranges';
import { viewportWidth } from '../charts/chart-width';
import { chartRouteOf } from './boot-route';
import { takeEarlyCalls } from './early-calls';

let me: { token: string; answer: Promise<ApiOutput<'auth.me'>> } | null = null;

/** The auth.me call started at boot for this token, if any (taken once). */
export function takeBootMe(token: string): Promise<ApiOutput<'auth.me'>> | null {
  const found = me && me.token === token ? me.answer : null;
  me = null;
  return found;
}

/**
 * Before React renders anything: a tab with a stored session asks who it is
 * and, on a device page, fetches the device and its charts' series at once,
 * instead of one after the other as each component mounts (bench/console,
 * navigation to a drawn 30-day chart). In a browser index.html's inline script
 * has already sent these calls (early/early-boot.ts); their answers are taken
 * over here. Without it (the desktop window, a page built without it) they are
 * sent now.
 */
export function bootPrefetch(client: QueryClient): void {
  const stored = loadSession();
  if (!stored) return;
  setAccessToken(stored.token);
  const early = takeEarlyCalls(stored.token);
  const answer = early ? adoptCall('auth.me', early.me) : api.call('auth.me', {});
  answer.catch(() => undefined);
  me = { token: stored.token, answer };
  const chart = early ? early.chart : null;
  const route = chart?.route ?? (early ? null : chartRouteOf(window.location.hash, viewportWidth(), Date.now()));
  if (!route) return;
  const { deviceId, from, to, maxPoints } = route;
  const chartRange = presetRange(route.preset);
  // Every chart's series in one call, sent alongside devices.get rather than after it: the variables are
  // not known until the device is, and waiting for them cost a round trip before the first chart.
  const all = chart ? adoptCall('readings.series', chart.series) : api.call('readings.series', { deviceId, from, to, maxPoints });
  all.catch(() => undefined);
  client
    .fetchQuery({ queryKey: apiKey('devices.get', { deviceId }), queryFn: () => (chart ? adoptCall('devices.get', chart.device) : api.call('devices.get', { deviceId })) })
    .then((device) => {
      for (const v of device.variables) {
        const query = seriesQuery({ deviceId, variables: [v.label], range: chartRange, maxPoints });
        // Each chart's own cache entry, answered from the shared call (or on its own when that did not cover it).
        void client.prefetchQuery({
          ...query,
          queryFn: () =>
            all.then(
              (answer) => {
                const series = answer.series.find((s) => s.variable === v.label);
                return series ? { ...answer, series: [series] } : query.queryFn();
              },
              () => query.queryFn(),
            ),
        });
      }
    })
    .catch(() => undefined);
}
