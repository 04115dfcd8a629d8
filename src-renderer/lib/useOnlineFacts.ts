import { useMemo } from 'react';
import type { Thresholds } from '../../src-shared/health';
import { useApiQuery } from './query';

export interface OnlineFacts {
  thresholds: Thresholds;
  connected: boolean;
}

/**
 * Each visible device's own stale and offline thresholds and whether an MQTT
 * session is open, from the health board (`devices.health`), so every online
 * badge follows the board's rule (src-shared/health.ts) rather than the
 * defaults. Until the board answers, a badge uses the defaults.
 */
export function useOnlineFacts(refreshMs = 30_000): (deviceId: number) => Partial<OnlineFacts> {
  const board = useApiQuery('devices.health', {}, { refreshMs });
  const devices = board.state === 'ready' ? board.value : null;
  const byId = useMemo(() => new Map((devices ?? []).map((d) => [d.id, { thresholds: d.thresholds, connected: d.connected }])), [devices]);
  return (deviceId) => byId.get(deviceId) ?? {};
}
