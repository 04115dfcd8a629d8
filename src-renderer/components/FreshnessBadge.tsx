import { freshnessOf, freshnessText, ago } from '../lib/format';

export function FreshnessBadge({ lastSeenAt, now }: { lastSeenAt: number | null; now: number }) {
  const f = freshnessOf(lastSeenAt, now);
  return (
    <span className={`badge ${f}`} data-testid="freshness" title={lastSeenAt ? `Last seen ${new Date(lastSeenAt).toLocaleString()}` : 'Has not sent anything yet'}>
      {freshnessText[f]}
      {f !== 'never' && f !== 'online' ? ` · ${ago(lastSeenAt, now)}` : ''}
    </span>
  );
}
