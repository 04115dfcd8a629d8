import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, type ReactNode } from 'react';
import type { ApiOutput } from '../../src-shared/api/contract';
import type { LiveReading } from '../../src-shared/api/live';
import { useLiveReadings, type LiveMode } from './live';
import { clearAccepted, recordAccepted } from './accepted-log';
import { appendToSeries, type SeriesAnswer } from './series-cache';
import { seriesKeyPrefix, type SeriesKey } from './series-query';

type Latest = ApiOutput<'devices.latest'>;
type Devices = ApiOutput<'devices.list'>;
type Events = ApiOutput<'devices.events'>;

const LiveContext = createContext<LiveMode>('connecting');

/** How the console learns of new readings right now: live, or polling while the socket is down. */
export function useLiveMode(): LiveMode {
  return useContext(LiveContext);
}

/**
 * The one live channel of a signed-in console. Each batch of readings is
 * written into the query cache once (last values, device list, recent
 * readings, live charts); views only read the cache.
 */
export function LiveProvider({ children, onEnded }: { children: ReactNode; onEnded: (message: string) => void }) {
  const client = useQueryClient();
  const onReadings = useCallback(
    (readings: LiveReading[]) => {
      writeReadings(client, readings, Date.now());
      recordAccepted(readings, Date.now());
    },
    [client],
  );
  // Accepted messages belong to this signed-in console only.
  useEffect(() => clearAccepted, []);
  // Alarm lists and the header badge are refetched when the hub says an alarm of a visible device changed.
  const onAlarms = useCallback(() => void client.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('alarms.') }), [client]);
  // A command history is refetched when the hub says a command of that device was sent or changed state.
  const onCommands = useCallback(
    (deviceIds: number[]) => void client.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'commands.list' && deviceIds.includes((q.queryKey[1] as { deviceId?: number } | undefined)?.deviceId ?? -1) }),
    [client],
  );
  const mode = useLiveReadings(onReadings, onEnded, onAlarms, onCommands);
  return <LiveContext.Provider value={mode}>{children}</LiveContext.Provider>;
}

export function writeReadings(client: QueryClient, readings: readonly LiveReading[], now: number): void {
  const byDevice = new Map<number, LiveReading[]>();
  for (const r of readings) byDevice.set(r.deviceId, [...(byDevice.get(r.deviceId) ?? []), r]);

  client.setQueriesData<Latest>({ queryKey: ['devices.latest'] }, (latest) => {
    if (!latest) return latest;
    const known = new Set(latest.map((l) => l.deviceId));
    const next = latest.map((entry) => {
      const mine = byDevice.get(entry.deviceId);
      if (!mine) return entry;
      const values = new Map(entry.variables.map((v) => [v.label, v]));
      for (const r of mine) if ((values.get(r.variable)?.ts ?? -Infinity) <= r.ts) values.set(r.variable, { label: r.variable, value: r.value, ts: r.ts });
      return { ...entry, variables: [...values.values()] };
    });
    for (const [deviceId, mine] of byDevice) if (!known.has(deviceId)) next.push({ deviceId, variables: mine.map((r) => ({ label: r.variable, value: r.value, ts: r.ts })) });
    return next;
  });

  let unknownDevice = false;
  client.setQueriesData<Devices>({ queryKey: ['devices.list'] }, (devices) => {
    if (!devices) return devices;
    if ([...byDevice.keys()].some((id) => !devices.some((d) => d.id === id))) unknownDevice = true;
    return devices.map((d) => (byDevice.has(d.id) ? { ...d, lastSeenAt: now } : d));
  });
  // A device created by its first write is not in the list yet.
  if (unknownDevice) void client.invalidateQueries({ queryKey: ['devices.list'] });

  for (const [deviceId, mine] of byDevice) {
    client.setQueriesData<ApiOutput<'devices.get'>>({ queryKey: ['devices.get', { deviceId }] }, (d) => (d ? { ...d, lastSeenAt: now } : d));
    for (const query of client.getQueryCache().findAll({ queryKey: ['devices.events'] })) {
      const input = query.queryKey[1] as { deviceId: number; count: number };
      if (input.deviceId !== deviceId) continue;
      client.setQueryData<Events>(query.queryKey, (events) =>
        events ? [...[...mine].sort((a, b) => b.ts - a.ts).map((r) => ({ variable: r.variable, ts: r.ts, value: r.value, context: null })), ...events].slice(0, input.count) : events,
      );
    }
    for (const query of client.getQueryCache().findAll({ queryKey: [seriesKeyPrefix] })) {
      const key = query.queryKey[1] as SeriesKey;
      const range = key.range;
      if (key.deviceId !== deviceId || range.kind !== 'live') continue;
      client.setQueryData<SeriesAnswer>(query.queryKey, (answer) => (answer ? appendToSeries(answer, mine, now - range.span) : answer));
    }
  }
}
