import { useCallback, useState, type FormEvent } from 'react';
import type { ApiOutput } from '../../src-shared/api/contract';
import type { LiveReading } from '../../src-shared/api/live';
import { ConfirmButton } from '../components/ConfirmButton';
import { ErrorNote } from '../components/ErrorNote';
import { FreshnessBadge } from '../components/FreshnessBadge';
import { LiveIndicator } from '../components/LiveIndicator';
import { Loading } from '../components/Loading';
import { SecretOnce } from '../components/SecretOnce';
import { api } from '../lib/api';
import { dateTime, formatValue } from '../lib/format';
import { useLiveReadings } from '../lib/live';
import { href } from '../lib/route';
import { useSession, useSessionState } from '../lib/session';
import { useAction, useApi } from '../lib/useApi';
import { useNow } from '../lib/useNow';
import { TableHead } from '../components/TableHead';

type Device = ApiOutput<'devices.get'>;
type Event = ApiOutput<'devices.events'>[number];

const shown = 50;

export function DeviceDetailView({ deviceId }: { deviceId: number }) {
  const device = useApi('devices.get', { deviceId });
  return (
    <section aria-labelledby="device-title">
      <p>
        <a href={href('devices')}>← All devices</a>
      </p>
      <Loading data={device} what="the device">
        {(d) => <DeviceDetail device={d} reload={device.reload} />}
      </Loading>
    </section>
  );
}

function DeviceDetail({ device, reload }: { device: Device; reload: () => void }) {
  const session = useSession();
  const { expire } = useSessionState();
  const now = useNow();
  const events = useApi('devices.events', { deviceId: device.id, count: shown });
  const [liveEvents, setLiveEvents] = useState<Event[]>([]);
  const [lastSeen, setLastSeen] = useState(device.lastSeenAt);
  const onReadings = useCallback(
    (readings: LiveReading[]) => {
      const mine = readings.filter((r) => r.deviceId === device.id);
      if (mine.length === 0) return;
      setLastSeen(Date.now());
      setLiveEvents((prev) => [...mine.map((r) => ({ variable: r.variable, ts: r.ts, value: r.value, context: null })).reverse(), ...prev].slice(0, shown));
    },
    [device.id],
  );
  const mode = useLiveReadings(onReadings, expire);
  const loaded = events.state === 'ready' ? events.value : [];
  const all = [...liveEvents, ...loaded].slice(0, shown);
  const latest = new Map<string, Event>();
  for (const e of all) if (!latest.has(e.variable) || latest.get(e.variable)!.ts < e.ts) latest.set(e.variable, e);

  return (
    <>
      <div className="page-head">
        <h1 id="device-title">{device.name}</h1>
        <FreshnessBadge lastSeenAt={lastSeen} now={now} />
        <LiveIndicator mode={mode} />
      </div>
      <dl className="facts">
        <dt>Label</dt>
        <dd className="mono">{device.label}</dd>
        <dt>Type</dt>
        <dd>{device.type ?? '—'}</dd>
        <dt>Created</dt>
        <dd>{dateTime(device.createdAt)}</dd>
        <dt>Last seen</dt>
        <dd>{dateTime(lastSeen)}</dd>
      </dl>

      <h2>Variables</h2>
      {device.variables.length === 0 && latest.size === 0 ? (
        <p className="muted">This device has not sent any variable yet.</p>
      ) : (
        <table className="grid">
          <TableHead columns={['Variable', 'Last value', 'At']} numeric={['Last value']} />
          <tbody>
            {[...new Set([...device.variables.map((v) => v.label), ...latest.keys()])].sort().map((label) => {
              const last = latest.get(label);
              return (
                <tr key={label}>
                  <td>{label}</td>
                  <td className="num">{last ? formatValue(last.value) : <span className="muted">older than the last {shown}</span>}</td>
                  <td>{last ? dateTime(last.ts) : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      <div className="panels">
        {session.can('commands:send') && <SendCommand device={device} />}
        {session.can('devices:admin') && <TokenActions device={device} onChanged={reload} />}
      </div>

      <h2>Last {shown} readings</h2>
      {events.state === 'error' ? (
        <ErrorNote error={events} title="Could not load the readings." />
      ) : all.length === 0 ? (
        <p className="muted">{events.state === 'loading' ? 'Loading…' : 'No readings yet.'}</p>
      ) : (
        <table className="grid" data-testid="events-table">
          <TableHead columns={['Time', 'Variable', 'Value']} numeric={['Value']} />
          <tbody>
            {all.map((e, i) => (
              <tr key={`${e.ts}-${e.variable}-${i}`}>
                <td>{dateTime(e.ts)}</td>
                <td>{e.variable}</td>
                <td className="num">{formatValue(e.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function SendCommand({ device }: { device: Device }) {
  const [variable, setVariable] = useState(device.variables[0]?.label ?? '');
  const [value, setValue] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setResult(null);
    const number = Number(value);
    void action.run(async () => {
      if (value.trim() === '' || !Number.isFinite(number)) throw { code: 'INVALID_INPUT', message: 'The value must be a number, like 1 or 21.5.' };
      const answer = await api.call('commands.send', { deviceId: device.id, variable: variable.trim(), value: number });
      setResult(`Command ${answer.id}: ${answer.status}.`);
    });
  };
  return (
    <div className="card">
      <h2 id="command-title">Send a value</h2>
      <form className="form-inline" onSubmit={submit} aria-labelledby="command-title">
        <label>
          Variable
          <input required value={variable} onChange={(e) => setVariable(e.target.value)} list="device-variables" />
          <datalist id="device-variables">
            {device.variables.map((v) => (
              <option key={v.id} value={v.label} />
            ))}
          </datalist>
        </label>
        <label>
          Value
          <input required inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
        </label>
        <button type="submit" disabled={action.busy}>
          Send
        </button>
      </form>
      <ErrorNote error={action.error} />
      {result && (
        <p role="status" className="ok">
          {result}
        </p>
      )}
    </div>
  );
}

function TokenActions({ device, onChanged }: { device: Device; onChanged: () => void }) {
  const action = useAction();
  const [token, setToken] = useState<string | null>(null);
  const [revoked, setRevoked] = useState<number | null>(null);
  if (token) return <SecretOnce label={`New token for “${device.label}”`} secret={token} what="token" onDone={() => setToken(null)} />;
  return (
    <div className="card" aria-labelledby="token-title">
      <h2 id="token-title">Device token</h2>
      <p className="muted">Rotate when a token may have leaked: the old one stops working at once. Revoke to cut the device off until it gets a new token.</p>
      <div className="actions">
        <ConfirmButton
          label="Rotate token"
          question="Issue a new token? The device stops sending until it has it."
          disabled={action.busy}
          onConfirm={() => void action.run(async () => setToken((await api.call('devices.rotateToken', { deviceId: device.id })).token)).then(onChanged)}
        />
        <ConfirmButton
          label="Revoke tokens"
          question="Revoke every token of this device?"
          disabled={action.busy}
          onConfirm={() => void action.run(async () => setRevoked((await api.call('devices.revokeTokens', { deviceId: device.id })).revoked))}
        />
      </div>
      {revoked !== null && (
        <p role="status" className="ok">
          Revoked {revoked} token{revoked === 1 ? '' : 's'}; rotate to issue a new one.
        </p>
      )}
      <ErrorNote error={action.error} />
    </div>
  );
}
