import type { AlarmDelivery } from '../../src-shared/api/areas/alarm-channels';
import { Loading } from '../components/Loading';
import { TableHead } from '../components/TableHead';
import { dateTime } from '../lib/format';
import { useApiQuery } from '../lib/query';
import { useSession } from '../lib/session';

const statusClass: Record<AlarmDelivery['status'], string> = { sent: 'online', pending: 'stale', failed: 'offline', skipped: 'stale' };

/** What the status badge says: a retry's time, or that quiet hours hold the delivery. */
function statusText(d: AlarmDelivery): string {
  if (d.status === 'pending' && d.attempts > 0) return `retry ${dateTime(d.nextAt)}`;
  if (d.status === 'pending' && d.heldUntil !== null) return `quiet until ${dateTime(d.heldUntil)}`;
  return d.status;
}

/** The organisation's latest notification deliveries (alarms:admin): pending, sent or failed, with attempts and the last error. */
export function DeliveryList() {
  const isAdmin = useSession().can('alarms:admin');
  const deliveries = useApiQuery('alarmDeliveries.list', { limit: 50 }, { refreshMs: 10_000, keepPrevious: true, enabled: isAdmin });
  if (!isAdmin) return null;
  return (
    <section aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Notifications</h2>
      <Loading data={deliveries} what="notifications">
        {(list) =>
          list.length === 0 ? (
            <p className="muted" data-testid="deliveries-empty">
              No notifications yet. A rule notifies the channels listed in its spec.
            </p>
          ) : (
            <div className="table-scroll">
              <table className="grid small" data-testid="deliveries-table">
                <TableHead columns={['Status', 'Event', 'Alarm', 'Channel', 'Attempts', 'Queued', 'Last error / note']} numeric={['Attempts']} />
                <tbody>
                  {list.map((d) => (
                    <tr key={d.id} data-testid={`delivery-${d.id}`} data-status={d.status}>
                      <td data-label="Status">
                        <span className={`badge ${statusClass[d.status]}`}>{statusText(d)}</span>
                      </td>
                      <td data-label="Event">{d.event}</td>
                      <td data-label="Alarm">#{d.alarmId}</td>
                      <td data-label="Channel">{d.channelName}</td>
                      <td className="num" data-label="Attempts">
                        {d.attempts}
                      </td>
                      <td data-label="Queued">{dateTime(d.createdAt)}</td>
                      <td data-label="Last error / note">{d.lastError ?? '–'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loading>
    </section>
  );
}
