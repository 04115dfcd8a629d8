import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { api, errorText } from './api';
import type { Loadable } from './query';
import type { SeriesAnswer } from './series-cache';
import { rangeTimes } from '../charts/ranges';

export const seriesKeyPrefix = 'series';

/** A chart's time range: the last `span` ms, kept current by live readings, or fixed times. */
export type ChartRange = { kind: 'live'; span: number } | { kind: 'fixed'; from: number; to: number };

export interface SeriesKey {
  deviceId: number;
  variables: string[];
  range: ChartRange;
  maxPoints: number;
}

// Lives with the presets (no query library there), so the inline boot script can use it too.
export { rangeTimes } from '../charts/ranges';

/**
 * A chart's data through the query cache, keyed by the range rather than by
 * the times it resolves to: a live range keeps one cache entry that live
 * readings extend (lib/live-cache.tsx), refetched now and then to pick up late readings.
 */
export function useSeries(key: SeriesKey, enabled = true): Loadable<SeriesAnswer> & { fetching: boolean } {
  return loadable(useQuery({ ...seriesQuery(key), enabled: enabled && key.variables.length > 0 }));
}

/** Several series at once (a chart of variables from several devices), each its own cache entry. */
export function useSeriesMany(keys: SeriesKey[]): (Loadable<SeriesAnswer> & { fetching: boolean })[] {
  return useQueries({ queries: keys.map(seriesQuery) }).map(loadable);
}

export function seriesQuery(key: SeriesKey) {
  return {
    queryKey: [seriesKeyPrefix, key],
    queryFn: () => api.call('readings.series', { deviceId: key.deviceId, variables: key.variables, ...rangeTimes(key.range), maxPoints: key.maxPoints }),
    placeholderData: keepPreviousData,
    staleTime: key.range.kind === 'live' ? 60_000 : 5 * 60_000,
    refetchInterval: key.range.kind === 'live' ? 60_000 : (false as const),
  };
}

function loadable(query: { data: SeriesAnswer | undefined; error: unknown; isFetching: boolean }): Loadable<SeriesAnswer> & { fetching: boolean } {
  if (query.data !== undefined) return { state: 'ready', value: query.data, fetching: query.isFetching };
  if (query.error) return { state: 'error', ...errorText(query.error), fetching: false };
  return { state: 'loading', fetching: query.isFetching };
}
