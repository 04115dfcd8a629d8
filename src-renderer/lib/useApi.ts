import { useCallback, useEffect, useState } from 'react';
import type { ApiInput, ApiMethod, ApiOutput } from '../../src-shared/api/contract';
import { api, errorText } from './api';

export type Loadable<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; code: string; message: string };

/** Calls one API method and tracks its answer; `refreshMs` polls; `reload` fetches again (after a change). */
export function useApi<M extends ApiMethod>(method: M, input: ApiInput<M>, refreshMs?: number): Loadable<ApiOutput<M>> & { reload: () => void } {
  const [result, setResult] = useState<Loadable<ApiOutput<M>>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(input);
  useEffect(() => {
    let live = true;
    const load = () =>
      api.call(method, JSON.parse(key) as ApiInput<M>).then(
        (value) => live && setResult({ state: 'ready', value }),
        (err: unknown) => live && setResult({ state: 'error', ...errorText(err) }),
      );
    void load();
    const timer = refreshMs ? setInterval(load, refreshMs) : undefined;
    return () => {
      live = false;
      if (timer) clearInterval(timer);
    };
  }, [method, key, refreshMs, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...result, reload };
}

export interface Action {
  busy: boolean;
  error: { code: string; message: string } | null;
  /** Runs one change; its error stays next to the control that caused it until the next try. */
  run<T>(work: () => Promise<T>): Promise<T | undefined>;
  clear(): void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Action['error']>(null);
  const run = useCallback(async <T,>(work: () => Promise<T>) => {
    setBusy(true);
    setError(null);
    try {
      return await work();
    } catch (err) {
      setError(errorText(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: useCallback(() => setError(null), []) };
}
