import { useSyncExternalStore } from 'react';
import type { LiveReading } from '../../src-shared/api/live';

/** One accepted message as the Traffic page shows it: a device's readings of one timestamp in one committed batch. */
export interface AcceptedMessage {
  key: number;
  receivedAt: number;
  deviceId: number;
  device: string;
  protocol: string;
  ts: number;
  values: { variable: string; value: number }[];
}

/** What the page keeps in memory: the newest messages only, like an MQTT client's message view. */
export const acceptedKept = 200;

let messages: readonly AcceptedMessage[] = [];
let nextKey = 1;
const listeners = new Set<() => void>();

/** Called by the live channel (lib/live-cache.tsx) with every batch of committed readings it receives. */
export function recordAccepted(readings: readonly LiveReading[], now: number): void {
  const batch = new Map<string, AcceptedMessage>();
  for (const r of readings) {
    const id = `${r.deviceId}/${r.protocol ?? ''}/${r.ts}`;
    let m = batch.get(id);
    if (!m) batch.set(id, (m = { key: nextKey++, receivedAt: now, deviceId: r.deviceId, device: r.device, protocol: r.protocol ?? '', ts: r.ts, values: [] }));
    m.values.push({ variable: r.variable, value: r.value });
  }
  if (batch.size === 0) return;
  messages = [...[...batch.values()].reverse(), ...messages].slice(0, acceptedKept);
  for (const l of listeners) l();
}

/** Forgets what was shown (signing out: the next person must not see it). */
export function clearAccepted(): void {
  messages = [];
  for (const l of listeners) l();
}

export function useAcceptedMessages(): readonly AcceptedMessage[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    () => messages,
  );
}
