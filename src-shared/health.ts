/** After how long without a reading a device is stale, then offline: the defaults, and what one device may set instead. */
export interface Thresholds {
  staleAfterS: number;
  offlineAfterS: number;
}

export const defaultThresholds: Thresholds = { staleAfterS: 5 * 60, offlineAfterS: 60 * 60 };

/** `unknown`: the console cannot reach the hub, so it cannot say. */
export type Freshness = 'online' | 'stale' | 'offline' | 'never' | 'unknown';

/** One rule for the hub (health board) and the console (badges): an open MQTT session is online whatever the last reading's age. */
export function freshnessOf(lastSeenAt: number | null, now: number, t: Thresholds = defaultThresholds, connected = false): Freshness {
  if (connected) return 'online';
  if (lastSeenAt === null) return 'never';
  const age = now - lastSeenAt;
  if (age <= t.staleAfterS * 1000) return 'online';
  return age <= t.offlineAfterS * 1000 ? 'stale' : 'offline';
}
