import { useState } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import { LiveIndicator } from '../components/LiveIndicator';
import { useLiveMode } from '../lib/live-cache';
import { RefusalTable } from '../devices/RefusalTable';
import { useApiQuery } from '../lib/query';
import { useFleet } from '../lib/useFleet';
import { AcceptedMessages } from './AcceptedMessages';
import { BadTokenAddresses } from './BadTokenAddresses';

const protocols = ['mqtt', 'https', 'tcp'] as const;
type Protocol = (typeof protocols)[number];

/** Accepted messages and refusals as they happen, filterable by device and protocol; bad-token attempts show with their address. */
export function TrafficView() {
  const [protocol, setProtocol] = useState<Protocol | ''>('');
  const [deviceId, setDeviceId] = useState<number | ''>('');
  const fleet = useFleet(false);
  const rows = useApiQuery('traffic.refusals', { limit: 100, ...(protocol ? { protocol } : {}), ...(deviceId !== '' ? { deviceId } : {}) }, { refreshMs: 2_000, keepPrevious: true });
  const devices = fleet.devices ?? [];
  const me = useApiQuery('auth.me', {});
  const mode = useLiveMode();
  return (
    <section aria-labelledby="traffic-title">
      <div className="page-head">
        <h1 id="traffic-title">Traffic</h1>
        <LiveIndicator mode={mode} />
      </div>
      <div className="filters">
        <label>
          Protocol{' '}
          <select value={protocol} onChange={(e) => setProtocol(e.target.value as Protocol | '')}>
            <option value="">all</option>
            {protocols.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label>
          Device{' '}
          <select value={deviceId} onChange={(e) => setDeviceId(e.target.value === '' ? '' : Number(e.target.value))}>
            <option value="">all</option>
            {devices.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <AcceptedMessages protocol={protocol} deviceId={deviceId} mode={mode} />
      <h2>Refused</h2>
      <p className="muted">What the hub refused lately, newest first (kept across restarts, the last few thousand). Refreshes every 2 seconds.</p>
      {rows.state === 'error' ? (
        <ErrorNote error={rows} title="Could not load the refusals." />
      ) : rows.state === 'loading' ? (
        <p className="muted">Loading…</p>
      ) : rows.value.length === 0 ? (
        <p className="muted">Nothing was refused lately.</p>
      ) : (
        <RefusalTable rows={rows.value} showDevice testId="traffic-table" />
      )}
      {me.state === 'ready' && me.value.hubAdmin && <BadTokenAddresses />}
    </section>
  );
}
