import { useState, type FormEvent } from 'react';
import type { ApiOutput } from '../../src-shared/api/contract';
import { normalizeLabel } from '../../src-shared/reading';
import { Field, FormActions } from '../components/Form';
import { Loading } from '../components/Loading';
import { RevokeCell } from '../components/RevokeCell';
import { SecretOnce } from '../components/SecretOnce';
import { TableHead } from '../components/TableHead';
import { api } from '../lib/api';
import { dateTime, splitList } from '../lib/format';
import { useAction, useApiQuery } from '../lib/query';
import { ConnectionCard } from './ConnectionCard';

type IngestToken = ApiOutput<'ingestTokens.list'>[number];

/**
 * Organisation ingest tokens (`ingestTokens.*`, devices:admin): one token that
 * sends for several devices, each named by the label in its topic or URL.
 * After one is made: the token once, and the connection card.
 */
export function IngestTokens() {
  const tokens = useApiQuery('ingestTokens.list', {});
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<{ token: string; ingestToken: IngestToken } | null>(null);
  const done = () => {
    setCreated(null);
    tokens.reload();
  };
  return (
    <section aria-labelledby="ingest-tokens-title" data-testid="ingest-tokens">
      <div className="page-head">
        <h2 id="ingest-tokens-title">Ingest tokens</h2>
        {!adding && !created && (
          <button type="button" className="push-right" onClick={() => setAdding(true)}>
            New ingest token
          </button>
        )}
      </div>
      <p className="muted">
        One token for a gateway, a data logger or a script that sends for several devices: each reading names its device by the label in the topic or URL. It can only send readings;
        revoking it closes its connections at once.
      </p>
      {adding && (
        <NewIngestToken
          onClose={() => setAdding(false)}
          onCreated={(answer) => {
            setAdding(false);
            setCreated(answer);
          }}
        />
      )}
      {created && (
        <>
          <SecretOnce label={`Ingest token “${created.ingestToken.name}”`} secret={created.token} what="token" onDone={done} />
          <IngestConnection token={created.token} ingestToken={created.ingestToken} />
        </>
      )}
      <Loading data={tokens} what="the ingest tokens">
        {(list) => (list.length === 0 ? <p className="muted">No ingest tokens yet.</p> : <TokenTable tokens={list} onChanged={tokens.reload} />)}
      </Loading>
    </section>
  );
}

function TokenTable({ tokens, onChanged }: { tokens: IngestToken[]; onChanged: () => void }) {
  return (
    <table className="grid" data-testid="ingest-token-table">
      <TableHead columns={['Name', 'Token', 'Devices', 'Creates devices', 'Created']} actions />
      <tbody>
        {tokens.map((t) => (
          <tr key={t.id} data-token={t.name} data-revoked={t.revoked}>
            <td>{t.name}</td>
            <td className="mono">{t.hint}</td>
            <td className={t.deviceLabels ? 'mono' : undefined}>{t.deviceLabels ? t.deviceLabels.join(', ') : 'all of the organisation’s'}</td>
            <td>{t.canCreateDevices ? 'yes' : 'no'}</td>
            <td>{dateTime(t.createdAt)}</td>
            <RevokeCell name={`the ingest token “${t.name}”`} revoked={t.revoked} revoke={() => api.call('ingestTokens.revoke', { name: t.name }).then(onChanged)} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function NewIngestToken({ onCreated, onClose }: { onCreated: (answer: { token: string; ingestToken: IngestToken }) => void; onClose: () => void }) {
  const [name, setName] = useState('');
  const [all, setAll] = useState(false);
  const [labels, setLabels] = useState('');
  const [canCreateDevices, setCanCreateDevices] = useState(false);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const deviceLabels = all ? null : splitList(labels);
      if (deviceLabels?.length === 0) throw { code: 'INVALID_INPUT', message: 'Name at least one device label, or choose every device.' };
      onCreated(await api.call('ingestTokens.create', { name: name.trim(), deviceLabels, canCreateDevices }));
    });
  };
  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby="new-ingest-token-title">
      <h3 id="new-ingest-token-title">New ingest token</h3>
      <Field label="Name" note="1-64 letters, digits, spaces, “-”, “_” or “.”">
        <input required value={name} onChange={(e) => setName(e.target.value)} maxLength={64} autoFocus />
      </Field>
      <fieldset>
        <legend>Devices it may send for</legend>
        <label className="check">
          <input type="radio" name="ingest-scope" checked={!all} onChange={() => setAll(false)} />
          Only these device labels
        </label>
        <Field label="Device labels" note="comma-separated or one per line">
          <textarea rows={2} value={labels} disabled={all} onChange={(e) => setLabels(e.target.value)} />
        </Field>
        <label className="check">
          <input type="radio" name="ingest-scope" checked={all} onChange={() => setAll(true)} />
          Every device of the organisation
        </label>
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={canCreateDevices} onChange={(e) => setCanCreateDevices(e.target.checked)} />
        Create a device the first time a reading names a label that does not exist yet
      </label>
      <FormActions submit="Create ingest token" busy={action.busy} error={action.error} onCancel={onClose} />
    </form>
  );
}

/** The connection card for an ingest token: the snippets name one device label the token may send for, chosen here. */
function IngestConnection({ token, ingestToken }: { token: string; ingestToken: IngestToken }) {
  const devices = useApiQuery('devices.list', {});
  const known = devices.state === 'ready' ? devices.value.map((d) => d.label) : [];
  const [typed, setTyped] = useState<string | null>(null);
  const chosen = typed ?? ingestToken.deviceLabels?.[0] ?? known[0] ?? 'my-device';
  const label = normalizeLabel(chosen.trim());
  const field = ingestToken.deviceLabels ? (
    <select aria-label="Device label" value={chosen} onChange={(e) => setTyped(e.target.value)}>
      {ingestToken.deviceLabels.map((l) => (
        <option key={l}>{l}</option>
      ))}
    </select>
  ) : (
    <>
      <input aria-label="Device label" list="ingest-known-labels" value={chosen} onChange={(e) => setTyped(e.target.value)} aria-invalid={label === null} />
      <datalist id="ingest-known-labels">
        {known.map((l) => (
          <option key={l} value={l} />
        ))}
      </datalist>
    </>
  );
  const note = ingestToken.deviceLabels
    ? 'This token sends only for the labels above; the snippets use the one chosen.'
    : ingestToken.canCreateDevices
      ? 'Any label: a device that does not exist yet is created by its first reading.'
      : 'The label of any device of the organisation.';
  return (
    <ConnectionCard
      token={token}
      deviceLabel={label ?? 'my-device'}
      heading={`Connect with the ingest token “${ingestToken.name}”`}
      labelField={
        <>
          {field}
          <div className={label === null ? 'error small' : 'muted small'} role={label === null ? 'alert' : undefined}>
            {label === null ? 'Not a device label: 1-64 letters, digits, “-”, “_”, “.” or “:”.' : note}
          </div>
        </>
      }
    />
  );
}
