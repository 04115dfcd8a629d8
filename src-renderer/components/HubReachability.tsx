import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useApiQuery } from '../lib/query';

/** How often the console checks that the hub answers (hub.info: public, tiny). */
const checkMs = 3_000;

/** True while the hub does not answer: what the console shows about devices' state is then unknown. */
export function useHubUnreachable(): boolean {
  return useApiQuery('hub.info', {}, { refreshMs: checkMs }).lastError?.code === 'HUB_UNREACHABLE';
}

/**
 * One banner for every page when the hub does not answer (stopped,
 * restarting, network gone), and a refresh of everything shown once it is
 * back, so nobody has to navigate away to see current values again.
 */
export function HubReachability() {
  const unreachable = useHubUnreachable();
  const queries = useQueryClient();
  const was = useRef(false);
  useEffect(() => {
    if (was.current && !unreachable) void queries.invalidateQueries();
    was.current = unreachable;
  }, [unreachable, queries]);
  if (!unreachable) return null;
  return (
    <div className="unreachable" role="alert" data-testid="hub-unreachable">
      <strong>Hub unreachable.</strong> Retrying every few seconds; what this page shows may be out of date until it answers again.
    </div>
  );
}
