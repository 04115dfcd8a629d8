import { ErrorNote } from '../components/ErrorNote';
import { TableHead } from '../components/TableHead';
import { dateTime } from '../lib/format';
import { useApiQuery } from '../lib/query';

/** The hub owner's view of bad-token attempts by remote address (they name no organisation). */
export function BadTokenAddresses() {
  const rows = useApiQuery('traffic.badTokens', { limit: 50 }, { refreshMs: 5_000, keepPrevious: true });
  return (
    <>
      <h2>Bad tokens by address</h2>
      <p className="muted">Connections that presented a wrong, revoked or mistyped token, among the kept refusals. Many attempts from one address you do not know: someone may be guessing.</p>
      {rows.state === 'error' ? (
        <ErrorNote error={rows} title="Could not load the bad-token attempts." />
      ) : rows.state === 'loading' ? (
        <p className="muted">Loading…</p>
      ) : rows.value.length === 0 ? (
        <p className="muted">No bad token lately.</p>
      ) : (
        <div className="table-scroll">
          <table className="grid" data-testid="bad-token-table">
            <TableHead columns={['From', 'Attempts', 'Protocols', 'First', 'Last']} />
            <tbody>
              {rows.value.map((r) => (
                <tr key={r.address} data-address={r.address}>
                  <td className="mono nowrap">{r.address || '—'}</td>
                  <td className="num">{r.attempts}</td>
                  <td>{r.protocols.join(', ')}</td>
                  <td>{dateTime(r.firstAt)}</td>
                  <td>{dateTime(r.lastAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
