import type { DeviceHealth } from '../../src-shared/api/areas/health';
import { ErrorNote } from '../components/ErrorNote';
import { FreshnessBadge } from '../components/FreshnessBadge';
import { useHubUnreachable } from '../components/HubReachability';
import { TableHead } from '../components/TableHead';
import { ago, formatValue } from '../lib/format';
import { useApiQuery } from '../lib/query';
import { href } from '../lib/route';
import { useNow } from '../lib/useNow';

function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

/** 24 hourly bars, messages in grey and hours with refusals marked: drawn as SVG (the console's CSP allows no inline styles). */
function Spark({ hours, label }: { hours: DeviceHealth['hours']; label: string }) {
  const peak = Math.max(1, ...hours.map((h) => h.messages));
  return (
    <svg className="spark" width={hours.length * 4} height={22} role="img" aria-label={label} viewBox={`0 0 ${hours.length * 4} 22`}>
      {hours.map((h, i) => {
        const height = h.messages === 0 ? 0 : Math.max(2, Math.round((h.messages / peak) * 18));
        return (
          <g key={h.hour}>
            <rect className="spark-bar" x={i * 4} y={20 - height} width={3} height={height} />
            {h.refusals > 0 && <rect className="spark-refused" x={i * 4} y={20} width={3} height={2} />}
          </g>
        );
      })}
    </svg>
  );
}

/**
 * Device health: who is online (an open MQTT session, or a reading within the
 * device's own thresholds), the last 24 hours of messages, bytes and
 * refusals from the hourly accounting, battery and signal values when the
 * device sends them. Problems first.
 */
export function HealthView() {
  const board = useApiQuery('devices.health', {}, { refreshMs: 5_000, keepPrevious: true });
  const now = useNow();
  const unreachable = useHubUnreachable();
  return (
    <section aria-labelledby="health-title">
      <div className="page-head">
        <h1 id="health-title">Device health</h1>
      </div>
      <p className="muted">Devices with problems first: offline, stale, never sent, then refused messages in the last 24 hours. Bars show messages per hour over the last 24 hours; a red mark under a bar means refusals in that hour. Refreshes every 5 seconds.</p>
      {board.state === 'error' ? (
        <ErrorNote error={board} title="Could not load device health." />
      ) : board.state === 'loading' ? (
        <p className="muted">Loading…</p>
      ) : board.value.length === 0 ? (
        <p className="muted">No devices yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="grid" data-testid="health-table">
            <TableHead columns={['Device', 'State', 'Last 24 h', 'Messages', 'Bytes', 'Refusals', 'Battery and signal', 'Problems']} />
            <tbody>
              {board.value.map((d) => (
                <tr key={d.id} data-device={d.label} data-problems={d.problems.join(' ')}>
                  <td>
                    <a href={href('devices', d.id)}>{d.name || d.label}</a>
                    {d.name && d.name !== d.label && <div className="small muted mono">{d.label}</div>}
                  </td>
                  <td className="nowrap">
                    <FreshnessBadge lastSeenAt={d.lastSeenAt} now={now} thresholds={d.thresholds} connected={d.connected} />
                    <div className="small muted">{d.connected && !unreachable ? 'MQTT connected' : d.lastSeenAt ? `last seen ${ago(d.lastSeenAt, now)}` : ''}</div>
                  </td>
                  <td>
                    <Spark hours={d.hours} label={`${d.totals.messages} messages in the last 24 hours`} />
                  </td>
                  <td className="num">{d.totals.messages}</td>
                  <td className="num nowrap">{kib(d.totals.bytes)}</td>
                  <td className="num">{d.totals.refusals > 0 ? <a href={href('devices', d.id)}>{d.totals.refusals}</a> : 0}</td>
                  <td className="nowrap">
                    {d.vitals.length === 0 ? (
                      <span className="muted">—</span>
                    ) : (
                      d.vitals.map((v) => (
                        <div key={v.variable} data-vital={v.variable}>
                          {v.variable} <strong>{formatValue(v.value)}</strong>
                        </div>
                      ))
                    )}
                  </td>
                  <td>{d.problems.length === 0 ? <span className="muted">none</span> : <strong className="problems">{d.problems.join(', ')}</strong>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
