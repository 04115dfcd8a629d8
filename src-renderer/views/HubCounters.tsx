import type { TrafficFigures } from '../../src-shared/api/areas/hub';
import { ErrorNote } from '../components/ErrorNote';
import { useApiQuery } from '../lib/query';

const protocolNames = { mqtt: 'MQTT', https: 'HTTPS', tcp: 'TCP' } as const;

function bytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return i === 0 ? `${n} bytes` : `${v.toFixed(1)} ${units[i]}`;
}

function Figures({ figures, testId, windowSeconds }: { figures: TrafficFigures; testId: string; windowSeconds: number }) {
  return (
    <dl className="facts" data-testid={testId}>
      <dt>Devices connected</dt>
      <dd>
        {Object.entries(protocolNames).map(([p, name], i) => (
          <span key={p} data-protocol={p}>
            {i > 0 && ', '}
            {name} <strong>{figures.connected[p as keyof typeof protocolNames]}</strong>
          </span>
        ))}
      </dd>
      <dt>Readings per second</dt>
      <dd data-testid={`${testId}-rate`}>
        {figures.readingsPerSecond} <span className="muted">(last {windowSeconds} s)</span>
      </dd>
      <dt>Refusals since start</dt>
      <dd>
        {figures.refusals.length === 0
          ? 'none'
          : figures.refusals.map((r, i) => (
              <span key={r.reason} data-reason={r.reason}>
                {i > 0 && ', '}
                {r.reason} <strong>{r.count}</strong>
              </span>
            ))}
      </dd>
    </dl>
  );
}

/** The Hub page's live counters: the caller's devices, and hub-wide figures for the hub owner. */
export function HubCounters() {
  const counters = useApiQuery('hub.counters', {}, { refreshMs: 2_000, keepPrevious: true });
  if (counters.state === 'loading') return <p className="muted">Counting…</p>;
  if (counters.state === 'error') return <ErrorNote error={counters} title="Could not load the counters." />;
  const c = counters.value;
  return (
    <>
      <h2>Traffic</h2>
      <p className="muted">
        MQTT counts devices with a session open; HTTPS and TCP keep no connection, so they count devices that sent in the last {c.windowSeconds} s. Refreshes every 2 seconds.
      </p>
      <h3>{c.hub ? 'Your organisation' : 'Your devices'}</h3>
      <Figures figures={c.org} testId="counters-org" windowSeconds={c.windowSeconds} />
      {c.hub && (
        <>
          <h3>Whole hub</h3>
          <Figures figures={c.hub} testId="counters-hub" windowSeconds={c.windowSeconds} />
          <dl className="facts">
            <dt>Database size</dt>
            <dd data-testid="database-size">{bytes(c.hub.databaseBytes)}</dd>
            <dt>Sync backlog</dt>
            <dd data-testid="sync-backlog">{c.hub.syncBacklog} readings not yet sent upstream</dd>
          </dl>
        </>
      )}
    </>
  );
}
