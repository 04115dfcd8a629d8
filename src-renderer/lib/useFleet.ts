import type { ApiOutput } from '../../src-shared/api/contract';
import type { LiveMode } from './live';
import { useLiveMode } from './live-cache';
import { useApiQuery } from './query';

type Device = ApiOutput<'devices.list'>[number];

export interface LastValue {
  value: number;
  ts: number;
}

export interface FleetDevice extends Device {
  /** Variable label -> its newest value. */
  values: Record<string, LastValue>;
  /** Time of the newest value: a card is highlighted briefly after it changes. */
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

/**
 * Every device the user may see with its newest values, from the query cache;
 * the live channel keeps the cache current (lib/live-cache.tsx), polling does
 * while it is down.
 */
export function useFleet(withValues: boolean): Fleet {
  const mode = useLiveMode();
  const list = useApiQuery('devices.list', {}, { refreshMs: mode === 'live' ? listRefreshMs : pollMs });
  const latest = useApiQuery('devices.latest', {}, { enabled: withValues, refreshMs: mode === 'live' ? false : pollMs });
  const error = list.state === 'error' ? list : withValues && latest.state === 'error' ? latest : null;
  let devices: FleetDevice[] | null = null;
  if (list.state === 'ready' && (!withValues || latest.state === 'ready')) {
    const byId = new Map((latest.state === 'ready' ? latest.value : []).map((l) => [l.deviceId, l.variables]));
    devices = list.value.map((d) => {
      const variables = byId.get(d.id) ?? [];
      const values = Object.fromEntries(variables.map((v) => [v.label, { value: v.value, ts: v.ts }]));
      return variables.length ? { ...d, values, changedAt: Math.max(...variables.map((v) => v.ts)) } : { ...d, values };
    });
  }
  return {
    devices,
    error: error ? { code: error.code, message: error.message } : null,
    mode,
    reload: () => {
      list.reload();
      if (withValues) latest.reload();
    },
  };
}
