import { useApiQuery } from '../lib/query';

/** Device labels by id from the cached device list (a dashboard names devices by id). */
export function useDeviceNames(): Map<number, { label: string; name: string }> {
  const devices = useApiQuery('devices.list', {});
  return new Map(devices.state === 'ready' ? devices.value.map((d) => [d.id, { label: d.label, name: d.name }]) : []);
}

/** The newest value of one variable from the cached snapshot the live channel keeps current. */
export function useLatestValue(deviceId: number, variable: string, refreshMs: number | false): { value: number; ts: number } | null | undefined {
  const latest = useApiQuery('devices.latest', {}, { refreshMs });
  if (latest.state !== 'ready') return undefined;
  return latest.value.find((l) => l.deviceId === deviceId)?.variables.find((v) => v.label === variable) ?? null;
}
