import { useState, type FormEvent } from 'react';
import type { ApiInput, ApiOutput } from '../../src-shared/api/contract';
import { ErrorNote } from '../components/ErrorNote';
import { Loading } from '../components/Loading';
import { api } from '../lib/api';
import { dateTime } from '../lib/format';
import { TableHead } from '../components/TableHead';
import { useAction, useApiQuery } from '../lib/query';

type Query = ApiInput<'audit.query'>;

export function AuditView() {
  const [query, setQuery] = useState<Query>({ limit: 100 });
  const entries = useApiQuery('audit.query', query);
  return (
    <section aria-labelledby="audit-title">
      <div className="page-head">
        <h1 id="audit-title">Audit log</h1>
      </div>
      <Filters onApply={setQuery} />
      <div className="actions spaced">
        <Verify />
        <Export />
      </div>
      <Loading data={entries} what="the audit log">
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No entries match.</p>
          ) : (
            <table className="grid small" data-testid="audit-table">
              <TableHead columns={['Time', 'Actor', 'Action', 'Target', 'Outcome', 'Address']} />
              <tbody>
                {list.map((e) => (
                  <tr key={e.id} title={Object.keys(e.detail).length ? JSON.stringify(e.detail) : undefined}>
                    <td>{dateTime(e.ts)}</td>
                    <td className="mono">{e.actor}</td>
                    <td>{e.action}</td>
                    <td className="mono">{e.target}</td>
                    <td>
                      <span className={`badge ${e.outcome === 'ok' ? 'online' : 'offline'}`}>{e.outcome}</span>
                    </td>
                    <td className="mono">{e.address}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loading>
    </section>
  );
}

function Filters({ onApply }: { onApply: (q: Query) => void }) {
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [since, setSince] = useState('');
  const [limit, setLimit] = useState('100');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const sinceMs = since ? new Date(since).getTime() : undefined;
    onApply({
      limit: Math.min(1000, Math.max(1, Number(limit) || 100)),
      ...(actor.trim() ? { actor: actor.trim() } : {}),
      ...(action.trim() ? { action: action.trim() } : {}),
      ...(sinceMs !== undefined && Number.isFinite(sinceMs) ? { since: sinceMs } : {}),
    });
  };
  return (
    <form className="form-inline" onSubmit={submit} aria-label="Filter the audit log">
      <label>
        Actor
        <input value={actor} onChange={(e) => setActor(e.target.value)} placeholder="user:1" />
      </label>
      <label>
        Action
        <input value={action} onChange={(e) => setAction(e.target.value)} placeholder="auth.login" />
      </label>
      <label>
        Since
        <input type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} />
      </label>
      <label>
        Rows
        <input type="number" min={1} max={1000} value={limit} onChange={(e) => setLimit(e.target.value)} className="narrow" />
      </label>
      <button type="submit">Apply</button>
    </form>
  );
}

function Verify() {
  const action = useAction();
  const [report, setReport] = useState<ApiOutput<'audit.verify'> | null>(null);
  return (
    <div>
      <button type="button" disabled={action.busy} onClick={() => void action.run(async () => setReport(await api.call('audit.verify', {})))}>
        Verify the chain
      </button>
      <ErrorNote error={action.error} />
      {report && (
        <div role="status" className={report.ok ? 'ok' : 'error'} data-testid="audit-verify">
          {report.ok ? `The chain is intact: ${report.rows} entries checked.` : `${report.problems.length} problem(s) in ${report.rows} entries:`}
          {!report.ok && (
            <ul>
              {report.problems.map((p) => (
                <li key={`${p.id}-${p.problem}`}>
                  Entry {p.id}: {p.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

function Export() {
  const action = useAction();
  const download = (format: 'jsonl' | 'csv') =>
    void action.run(async () => {
      const { content } = await api.call('audit.export', { format });
      const url = URL.createObjectURL(new Blob([content], { type: format === 'csv' ? 'text/csv' : 'application/x-ndjson' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `outpost-audit-${new Date().toISOString().slice(0, 10)}.${format}`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });
  return (
    <div>
      <button type="button" disabled={action.busy} onClick={() => download('jsonl')}>
        Export JSON lines
      </button>{' '}
      <button type="button" disabled={action.busy} onClick={() => download('csv')}>
        Export CSV
      </button>
      <ErrorNote error={action.error} />
    </div>
  );
}
