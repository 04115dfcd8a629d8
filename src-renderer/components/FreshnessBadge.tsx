import type { Thresholds } from '../../src-shared/health';
import { freshnessOf, freshnessText, ago, type Freshness } from '../lib/format';
import { useHubUnreachable } from './HubReachability';

/** Online, stale, offline or never seen; "unknown" while the hub does not answer (the console cannot tell). */
export function FreshnessBadge({ lastSeenAt, now, thresholds, connected }: { lastSeenAt: number | null; now: number; thresholds?: Thresholds; connected?: boolean }) {
  const unreachable = useHubUnreachable();
  const f: Freshness = unreachable ? 'unknown' : freshnessOf(lastSeenAt, now, thresholds, connected);
  const title = unreachable
    ? 'The hub does not answer, so whether this device is online is unknown.'
    : lastSeenAt
      ? `Last seen ${new Date(lastSeenAt).toLocaleString()}${connected ? '; connected now' : ''}`
      : connected
        ? 'Connected now; has not sent a reading yet'
        : 'Has not sent anything yet';
  return (
    <span className={`badge ${f}`} data-testid="freshness" data-state={f} title={title}>
      {freshnessText[f]}
      {f !== 'never' && f !== 'online' && f !== 'unknown' ? ` · ${ago(lastSeenAt, now)}` : ''}
    </span>
  );
}
