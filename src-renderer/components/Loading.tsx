import type { ReactNode } from 'react';
import type { Loadable } from '../lib/query';
import { ErrorNote } from './ErrorNote';

/** Renders a loaded value, or the loading line, or the API's error in place. */
export function Loading<T>({ data, what, children }: { data: Loadable<T>; what: string; children: (value: T) => ReactNode }) {
  if (data.state === 'loading') return <p className="muted" role="status">Loading {what}…</p>;
  if (data.state === 'error') return <ErrorNote error={data} title={`Could not load ${what}.`} />;
  return <>{children(data.value)}</>;
}
