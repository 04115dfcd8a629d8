import type { Refusal } from '../../src-shared/api/areas/traffic';
import { TableHead } from '../components/TableHead';
import { dateTime } from '../lib/format';
import { href } from '../lib/route';

/** What each refusal reason means for whoever set the device up. */
const advice: Record<string, string> = {
  bad_json: 'The payload is not valid JSON.',
  not_a_number: 'A value is not a number.',
  not_authorized: 'This credential may not write here (wrong topic, or a device it does not cover).',
  unknown_device: 'No device has this label; create it first.',
  bad_token: 'The token is wrong, revoked or mistyped.',
  bad_label: 'A device or variable label has characters that are not allowed.',
  too_large: 'The message is larger than the hub accepts.',
  too_deep: 'A context nests more than 4 levels.',
  future_timestamp: 'A timestamp is more than a day ahead of the hub’s clock.',
  bad_shape: 'The JSON does not have a shape the hub knows (see docs/PROTOCOLS.md).',
  bad_request: 'The request is malformed.',
  rate_limited: 'Too many attempts from this address: slowed down for a while.',
};

/** Recent refusals as a table; on narrow screens it scrolls inside its own box. */
export function RefusalTable({ rows, showDevice, testId }: { rows: Refusal[]; showDevice: boolean; testId: string }) {
  return (
    <div className="table-scroll">
      <table className="grid" data-testid={testId}>
        <TableHead columns={['Time', ...(showDevice ? ['Device'] : []), 'Protocol', 'Reason', 'Topic or path', 'Payload', 'From']} />
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-reason={r.reason}>
              <td>{dateTime(r.at)}</td>
              {showDevice && <td>{r.deviceId !== null ? <a href={href('devices', r.deviceId)}>{r.deviceLabel}</a> : r.deviceLabel || <span className="muted">—</span>}</td>}
              <td>{r.protocol}</td>
              <td>
                <strong className="mono">{r.reason}</strong>
                {r.count > 1 && <span className="muted"> ×{r.count}</span>}
                <div className="small">{r.message || advice[r.reason] || ''}</div>
              </td>
              <td className="mono wrap">{r.target}</td>
              <td className="mono wrap small">{r.excerpt}</td>
              <td className="mono nowrap">{r.address}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
