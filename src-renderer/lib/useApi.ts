import { useEffect, useState } from 'react';
import type { ApiInput, ApiMethod, ApiOutput } from '../../src-shared/api/contract';
import { api } from './api';

export type Loadable<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; code: string; message: string };

/** Calls one API method and tracks its answer; `refreshMs` polls. */
export function useApi<M extends ApiMethod>(method: M, input: ApiInput<M>, refreshMs?: number): Loadable<ApiOutput<M>> {
  const [result, setResult] = useState<Loadable<ApiOutput<M>>>({ state: 'loading' });
  const key = JSON.stringify(input);
  useEffect(() => {
    let live = true;
    const load = () =>
      api.call(method, JSON.parse(key) as ApiInput<M>).then(
        (value) => live && setResult({ state: 'ready', value }),
        (err: { code?: string; message?: string }) =>
          live && setResult({ state: 'error', code: err.code ?? 'ERROR', message: err.message ?? String(err) }),
      );
    void load();
    const timer = refreshMs ? setInterval(load, refreshMs) : undefined;
    return () => {
      live = false;
      if (timer) clearInterval(timer);
    };
  }, [method, key, refreshMs]);
  return result;
}
