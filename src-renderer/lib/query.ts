import { QueryClient, keepPreviousData, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { ApiInput, ApiMethod, ApiOutput } from '../../src-shared/api/contract';
import { api, errorText } from './api';

export type Loadable<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; code: string; message: string };

/**
 * The console's one query cache (TanStack Query): answers are cached by
 * method and input, shared by every view that asks the same, refetched when
 * stale, and dropped after any write. Live readings are written into it by
 * the live channel (lib/live-cache.ts), once, wherever they are shown.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // A refused call (4xx) will be refused again; a hub that is restarting is worth a few tries.
        retry: (count, err) => count < 3 && /^(HUB_UNREACHABLE|HTTP_5\d\d|INTERNAL)$/.test(errorText(err).code),
        refetchOnWindowFocus: false,
      },
    },
  });
}

export function apiKey<M extends ApiMethod>(method: M, input: ApiInput<M>): QueryKey {
  return [method, input];
}

/** One API method's answer from the cache (fetched when missing or stale); `refreshMs` polls. */
export function useApiQuery<M extends ApiMethod>(
  method: M,
  input: ApiInput<M>,
  options: { refreshMs?: number | false; enabled?: boolean; keepPrevious?: boolean } = {},
): Loadable<ApiOutput<M>> & { reload: () => void; fetching: boolean; lastError: { code: string; message: string } | null } {
  const query = useQuery<ApiOutput<M>>({
    queryKey: apiKey(method, input),
    queryFn: () => api.call(method, input) as Promise<ApiOutput<M>>,
    refetchInterval: options.refreshMs ?? false,
    enabled: options.enabled ?? true,
    ...(options.keepPrevious ? { placeholderData: keepPreviousData } : {}),
  });
  const { refetch } = query;
  const reload = useCallback(() => void refetch(), [refetch]);
  // The newest refetch's failure, also while older data is still shown.
  const base = { reload, fetching: query.isFetching, lastError: query.error ? errorText(query.error) : null };
  if (query.data !== undefined) return { state: 'ready', value: query.data, ...base };
  if (query.error) return { state: 'error', ...errorText(query.error), ...base };
  return { state: 'loading', ...base };
}

export interface Action {
  busy: boolean;
  error: { code: string; message: string } | null;
  /** Runs one change; its error stays next to the control that caused it until the next try. Cached answers are refetched after it. */
  run<T>(work: () => Promise<T>): Promise<T | undefined>;
  clear(): void;
}

export function useAction(): Action {
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Action['error']>(null);
  const run = useCallback(
    async <T,>(work: () => Promise<T>) => {
      setBusy(true);
      setError(null);
      try {
        const result = await work();
        // Whatever changed, nothing cached may show the state before it.
        void client.invalidateQueries();
        return result;
      } catch (err) {
        setError(errorText(err));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [client],
  );
  return { busy, error, run, clear: useCallback(() => setError(null), []) };
}
