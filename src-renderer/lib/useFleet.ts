import { useCallback, useEffect, useState } from 'react';
import type { ApiOutput } from '../../src-shared/api/contract';
import type { LiveReading } from '../../src-shared/api/live';
import { api, errorText } from './api';
import { useLiveReadings, type LiveMode } from './live';
import { useSessionState } from './session';

type Device = ApiOutput<'devices.list'>[number];

export interface LastValue {
  value: number;
  ts: number;
}

export interface FleetDevice extends Device {
  /** Variable label -> its newest value. */
  values: Record<string, LastValue>;
  /** Set when a live reading arrived since the page loaded: briefly highlighted. */
  changedAt?: number;
}

export interface Fleet {
  devices: FleetDevice[] | null;
  error: { code: string; message: string } | null;
  mode: LiveMode;
  reload(): void;
}

const pollMs = 10_000;
/** Even with the socket up, the device list is re-read now and then: devices added elsewhere appear. */
const listRefreshMs = 60_000;

function merge(devices: Device[], latest: ApiOutput<'devices.latest'>): FleetDevice[] {
  const byId = new Map(latest.map((l) => [l.deviceId, l.variables]));
  return devices.map((d) => ({ ...d, values: Object.fromEntries((byId.get(d.id) ?? []).map((v) => [v.label, { value: v.value, ts: v.ts }])) }));
}

function apply(devices: FleetDevice[], readings: LiveReading[]): FleetDevice[] {
  const now = Date.now();
  const byDevice = new Map<number, LiveReading[]>();
  for (const r of readings) byDevice.set(r.deviceId, [...(byDevice.get(r.deviceId) ?? []), r]);
  return devices.map((d) => {
    const mine = byDevice.get(d.id);
    if (!mine) return d;
    const values = { ...d.values };
    for (const r of mine) if (!values[r.variable] || values[r.variable]!.ts <= r.ts) values[r.variable] = { value: r.value, ts: r.ts };
    return { ...d, values, lastSeenAt: now, changedAt: now };
  });
}

/** Every device the user may see with its newest values, kept current by the live channel or by polling. */
export function useFleet(withValues: boolean): Fleet {
  const { expire } = useSessionState();
  const [devices, setDevices] = useState<FleetDevice[] | null>(null);
  const [error, setError] = useState<Fleet['error']>(null);
  const [unknownDevice, setUnknownDevice] = useState(0);

  const load = useCallback(async () => {
    try {
      const [list, latest] = await Promise.all([api.call('devices.list', {}), withValues ? api.call('devices.latest', {}) : Promise.resolve([])]);
      setDevices(merge(list, latest));
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  }, [withValues]);

  const onReadings = useCallback((readings: LiveReading[]) => {
    setDevices((current) => {
      if (!current) return current;
      // A device created by its first write is not in the list yet: fetch the list again.
      if (readings.some((r) => !current.some((d) => d.id === r.deviceId))) setUnknownDevice((n) => n + 1);
      return apply(current, readings);
    });
  }, []);
  const mode = useLiveReadings(onReadings, expire);

  useEffect(() => {
    void load();
  }, [load, unknownDevice]);
  useEffect(() => {
    const timer = setInterval(() => void load(), mode === 'live' ? listRefreshMs : pollMs);
    return () => clearInterval(timer);
  }, [load, mode]);

  return { devices, error, mode, reload: () => void load() };
}
