import { TableHead } from '../components/TableHead';
import { useAcceptedMessages } from '../lib/accepted-log';
import type { LiveMode } from '../lib/live';
import { formatValue } from '../lib/format';
import { href } from '../lib/route';

/** Accepted messages as they are committed (the live channel), newest first, under the Traffic page's filters. */
export function AcceptedMessages({ protocol, deviceId, mode }: { protocol: string; deviceId: number | ''; mode: LiveMode }) {
  const all = useAcceptedMessages();
  const rows = all.filter((m) => (protocol === '' || m.protocol === protocol) && (deviceId === '' || m.deviceId === deviceId));
  return (
    <>
      <h2>Accepted</h2>
      <p className="muted">
        Messages stored since this page opened, as they are committed (the newest {rows.length === 0 ? '' : `${rows.length} `}shown, up to 200 kept).
        {mode !== 'live' && ' The live channel is not connected: new messages show once it is back.'}
      </p>
      {rows.length === 0 ? (
        <p className="muted" data-testid="accepted-empty">
          No message stored since this page opened{protocol || deviceId !== '' ? ' that matches the filters' : ''}.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="grid" data-testid="accepted-table">
            <TableHead columns={['Received', 'Device', 'Protocol', 'Values', 'Timestamp']} />
            <tbody>
              {rows.map((m) => (
                <tr key={m.key} data-protocol={m.protocol} data-device={m.device}>
                  <td className="nowrap">{new Date(m.receivedAt).toLocaleTimeString()}</td>
                  <td>
                    <a href={href('devices', m.deviceId)}>{m.device}</a>
                  </td>
                  <td>{m.protocol || '—'}</td>
                  <td className="mono wrap">{m.values.map((v) => `${v.variable}=${formatValue(v.value)}`).join(', ')}</td>
                  <td className="nowrap">{new Date(m.ts).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
