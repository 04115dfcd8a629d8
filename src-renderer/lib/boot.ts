import type { QueryClient } from '@tanstack/react-query';
import type { ApiOutput } from '../../src-shared/api/contract';
import type { RangePreset } from '../../src-shared/api/areas/dashboards';
import { api, loadSession, setAccessToken } from './api';
import { apiKey } from './query';
import { rangeTimes, seriesQuery } from './series-query';
import { presetRange, presets } from '../charts/ranges';
import { initialChartWidth, pointsFor } from '../charts/useWidth';

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
 * navigation to a drawn 30-day chart).
 */
export function bootPrefetch(client: QueryClient): void {
  const stored = loadSession();
  if (!stored) return;
  setAccessToken(stored.token);
  const answer = api.call('auth.me', {});
  answer.catch(() => undefined);
  me = { token: stored.token, answer };
  const [page, id, range] = window.location.hash.replace(/^#\/?/, '').split('/');
  if (page !== 'devices' || !id || !/^\d+$/.test(id)) return;
  const deviceId = Number(id);
  const preset: RangePreset = presets.includes(range as RangePreset) ? (range as RangePreset) : '24h';
  const chartRange = presetRange(preset);
  const maxPoints = pointsFor(initialChartWidth());
  // Every chart's series in one call, sent alongside devices.get rather than after it: the variables are
  // not known until the device is, and waiting for them cost a round trip before the first chart.
  const all = api.call('readings.series', { deviceId, ...rangeTimes(chartRange), maxPoints });
  all.catch(() => undefined);
  client
    .fetchQuery({ queryKey: apiKey('devices.get', { deviceId }), queryFn: () => api.call('devices.get', { deviceId }) })
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
