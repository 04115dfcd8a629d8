import { ErrorNote } from '../components/ErrorNote';
import { FreshnessBadge } from '../components/FreshnessBadge';
import { LiveIndicator } from '../components/LiveIndicator';
import { ago, formatValue } from '../lib/format';
import { href } from '../lib/route';
import { useFleet, type FleetDevice } from '../lib/useFleet';
import { TableHead } from '../components/TableHead';
import { useNow } from '../lib/useNow';
import { useOnlineFacts, type OnlineFacts } from '../lib/useOnlineFacts';

export function DashboardView() {
  const fleet = useFleet(true);
  const now = useNow();
  const online = useOnlineFacts();
  return (
    <section aria-labelledby="dash-title">
      <div className="page-head">
        <h1 id="dash-title">Dashboard</h1>
        <LiveIndicator mode={fleet.mode} />
      </div>
      <ErrorNote error={fleet.error} title="Could not load the devices." />
      {fleet.devices === null && !fleet.error && <p className="muted" role="status">Loading devices…</p>}
      {fleet.devices?.length === 0 && (
        <div className="notice">
          <p>No devices you may see yet.</p>
          <p className="muted">An admin adds devices on the Devices page and puts them in a group of yours.</p>
        </div>
      )}
      <div className="cards">
        {fleet.devices?.map((d) => <DeviceCard key={d.id} device={d} now={now} online={online(d.id)} />)}
      </div>
    </section>
  );
}

function DeviceCard({ device, now, online }: { device: FleetDevice; now: number; online: Partial<OnlineFacts> }) {
  const variables = Object.entries(device.values).sort(([a], [b]) => a.localeCompare(b));
  const fresh = device.changedAt !== undefined && now - device.changedAt < 3000;
  return (
    <article className={`card device-card${fresh ? ' fresh' : ''}`} aria-labelledby={`dev-${device.id}`} data-testid="device-card" data-device={device.label}>
      <header>
        <h2 id={`dev-${device.id}`}>
          <a href={href('devices', device.id)}>{device.name}</a>
        </h2>
        <FreshnessBadge lastSeenAt={device.lastSeenAt} now={now} {...online} />
      </header>
      <p className="muted mono small">{device.label}</p>
      {variables.length === 0 ? (
        <p className="muted">No readings yet.</p>
      ) : (
        <table className="grid compact">
          <caption className="sr-only">Last values of {device.name}</caption>
          <TableHead columns={['Variable', 'Value', 'When']} numeric={['Value']} />
          <tbody>
            {variables.map(([label, v]) => (
              <tr key={label} data-variable={label}>
                <td>{label}</td>
                <td className="num value" data-testid="value">
                  {formatValue(v.value)}
                </td>
                <td className="muted" title={new Date(v.ts).toLocaleString()}>
                  {ago(v.ts, now)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
