import { useState, type FormEvent } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import { FreshnessBadge } from '../components/FreshnessBadge';
import { LiveIndicator } from '../components/LiveIndicator';
import { SecretOnce } from '../components/SecretOnce';
import { ConnectionCard } from '../devices/ConnectionCard';
import { IngestTokens } from '../devices/IngestTokens';
import { api } from '../lib/api';
import { dateTime } from '../lib/format';
import { href } from '../lib/route';
import { useSession } from '../lib/session';
import { useAction } from '../lib/query';
import { useFleet } from '../lib/useFleet';
import { TableHead } from '../components/TableHead';
import { Field, FormActions } from '../components/Form';
import { useNow } from '../lib/useNow';
import { useOnlineFacts } from '../lib/useOnlineFacts';

export function DevicesView() {
  const session = useSession();
  const fleet = useFleet(false);
  const now = useNow();
  const online = useOnlineFacts();
  const [adding, setAdding] = useState(false);
  const canAdmin = session.can('devices:admin');
  return (
    <section aria-labelledby="devices-title">
      <div className="page-head">
        <h1 id="devices-title">Devices</h1>
        <LiveIndicator mode={fleet.mode} />
        {canAdmin && !adding && (
          <button type="button" className="primary push-right" onClick={() => setAdding(true)}>
            Add device
          </button>
        )}
      </div>
      {adding && (
        <AddDevice
          onClose={() => {
            setAdding(false);
            fleet.reload();
          }}
        />
      )}
      <ErrorNote error={fleet.error} title="Could not load the devices." />
      {fleet.devices === null && !fleet.error && <p className="muted">Loading devices…</p>}
      {fleet.devices?.length === 0 && <p className="muted">No devices you may see yet.</p>}
      {fleet.devices && fleet.devices.length > 0 && (
        <table className="grid" data-testid="devices-table">
          <TableHead columns={['Name', 'Label', 'Type', 'Status', 'Last seen']} />
          <tbody>
            {fleet.devices.map((d) => (
              <tr key={d.id} data-device={d.label}>
                <td>
                  <a href={href('devices', d.id)}>{d.name}</a>
                </td>
                <td className="mono">{d.label}</td>
                <td>{d.type ?? <span className="muted">—</span>}</td>
                <td>
                  <FreshnessBadge lastSeenAt={d.lastSeenAt} now={now} {...online(d.id)} />
                </td>
                <td>{dateTime(d.lastSeenAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canAdmin && <IngestTokens />}
    </section>
  );
}

function AddDevice({ onClose }: { onClose: () => void }) {
  const [label, setLabel] = useState('');
  const [name, setName] = useState('');
  const [type, setType] = useState('');
  const [created, setCreated] = useState<{ label: string; token: string } | null>(null);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const answer = await api.call('devices.create', { label: label.trim(), ...(name.trim() ? { name: name.trim() } : {}), ...(type.trim() ? { type: type.trim() } : {}) });
      setCreated({ label: answer.device.label, token: answer.token });
    });
  };
  if (created) {
    return (
      <>
        <SecretOnce label={`Token for device “${created.label}”`} secret={created.token} what="token" onDone={onClose} />
        <ConnectionCard token={created.token} deviceLabel={created.label} />
      </>
    );
  }
  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby="add-device-title">
      <h2 id="add-device-title">Add a device</h2>
      <label>
        Label
        <input required value={label} onChange={(e) => setLabel(e.target.value)} pattern="[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}" aria-describedby="label-help" autoFocus />
        <span id="label-help" className="muted small">
          What the device sends as its device label: letters, digits, “-”, “_”, “.” or “:”.
        </span>
      </label>
      <Field label="Name" note="optional">
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
      </Field>
      <Field label="Type" note="optional">
        <input value={type} onChange={(e) => setType(e.target.value)} maxLength={64} />
      </Field>
      <FormActions submit="Create device" busy={action.busy} error={action.error} onCancel={onClose} />
    </form>
  );
}
