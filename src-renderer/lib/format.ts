import { defaultThresholds, type Freshness } from '../../src-shared/health';

export { freshnessOf, type Freshness } from '../../src-shared/health';

/** How long since a device last sent before the console calls it stale, then offline (devices may set their own). */
export const freshness = { staleAfterMs: defaultThresholds.staleAfterS * 1000, offlineAfterMs: defaultThresholds.offlineAfterS * 1000 } as const;

export const freshnessText: Record<Freshness, string> = { online: 'Online', stale: 'Stale', offline: 'Offline', never: 'Never seen', unknown: 'Unknown' };

export function ago(ts: number | null, now: number): string {
  if (ts === null) return 'never';
  const s = Math.max(0, Math.round((now - ts) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

export function dateTime(ts: number | null): string {
  return ts === null ? '—' : new Date(ts).toLocaleString();
}

export function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toLocaleString(undefined, { maximumFractionDigits: 4 });
}

/** "a, b\nc" -> ["a", "b", "c"]: list fields are typed one per line or comma-separated. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}
