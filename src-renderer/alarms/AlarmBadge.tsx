import { useLiveMode } from '../lib/live-cache';
import { useApiQuery } from '../lib/query';

/** The header's count of active, unacknowledged (and not snoozed) alarms of the devices one may see. */
export function AlarmBadge({ testId = 'alarm-badge' }: { testId?: string }) {
  const live = useLiveMode();
  const summary = useApiQuery('alarms.summary', {}, { refreshMs: live === 'live' ? 30_000 : 5_000 });
  const count = summary.state === 'ready' ? summary.value.activeUnacknowledged : 0;
  if (count === 0) return null;
  return (
    <span className="badge offline alarm-badge" data-testid={testId} aria-label={`${count} unacknowledged alarm${count === 1 ? '' : 's'}`}>
      {count}
    </span>
  );
}
