import { lazy, Suspense, useEffect, useState, type FormEvent } from 'react';
import type { ApiOutput } from '../../src-shared/api/contract';
import { ConfirmButton } from '../components/ConfirmButton';
import { ErrorNote } from '../components/ErrorNote';
import { FreshnessBadge } from '../components/FreshnessBadge';
import { LiveIndicator } from '../components/LiveIndicator';
import { Loading } from '../components/Loading';
import { SecretOnce } from '../components/SecretOnce';
import { DeviceSettings } from '../devices/DeviceSettings';
import { ThresholdsForm } from '../devices/ThresholdsForm';
import { DeviceProblems } from '../devices/DeviceProblems';
import { CommandsSection } from '../devices/CommandsSection';
import { DeviceCharts } from '../charts/DeviceCharts';
import { presets } from '../charts/ranges';
import type { RangePreset } from '../../src-shared/api/areas/dashboards';
import { api } from '../lib/api';
import { dateTime, formatValue } from '../lib/format';
import { useLiveMode } from '../lib/live-cache';
import { href } from '../lib/route';
import { AlarmList } from '../alarms/AlarmList';
import { useSession } from '../lib/session';
import { useAction, useApiQuery } from '../lib/query';
import { useNow } from '../lib/useNow';
import { useOnlineFacts } from '../lib/useOnlineFacts';
import { TableHead } from '../components/TableHead';

type Device = ApiOutput<'devices.get'>;

// Shown only after rotating a token, and it brings the QR code library: not loaded with the page.
const ConnectionCard = lazy(() => import('../devices/ConnectionCard').then((m) => ({ default: m.ConnectionCard })));

const shown = 50;
const pollMs = 10_000;

/** `#/devices/3/30d` opens the charts on a preset range. */
export function DeviceDetailView({ deviceId, range }: { deviceId: number; range?: string | undefined }) {
  const device = useApiQuery('devices.get', { deviceId });
  return (
    <section aria-labelledby="device-title">
      <p>
        <a href={href('devices')}>← All devices</a>
      </p>
      <Loading data={device} what="the device">
        {/* Keyed by device: nothing of one device's page state survives into another's. */}
        {(d) => <DeviceDetail key={d.id} device={d} range={presets.includes(range as RangePreset) ? (range as RangePreset) : '24h'} />}
      </Loading>
    </section>
  );
}

/**
 * One device: its last values, charts and recent readings, all read from the
 * query cache by this device's id. Live readings reach the cache once
 * (lib/live-cache.tsx); without the live channel the page polls.
 */
function DeviceDetail({ device, range }: { device: Device; range: RangePreset }) {
  const session = useSession();
  const now = useNow();
  const mode = useLiveMode();
  const refreshMs = mode === 'live' ? false : pollMs;
  const events = useApiQuery('devices.events', { deviceId: device.id, count: shown }, { refreshMs });
  const latest = useApiQuery('devices.latest', {}, { refreshMs });
  const online = useOnlineFacts(10_000);
  const mine = latest.state === 'ready' ? (latest.value.find((l) => l.deviceId === device.id)?.variables ?? []) : [];
  const values = new Map(mine.map((v) => [v.label, v]));
  const units = new Map(device.variables.map((v) => [v.label, v.unit]));
  const all = events.state === 'ready' ? events.value : [];
  const labels = [...new Set([...device.variables.map((v) => v.label), ...values.keys()])].sort();
  // What is below the charts renders right after them: the charts draw in the page's first commit
  // without waiting for the alarm, command, settings and readings sections (bench/console).
  const [below, setBelow] = useState(false);
  useEffect(() => setBelow(true), []);

  return (
    <>
      <div className="page-head">
        <h1 id="device-title">{device.name}</h1>
        <FreshnessBadge lastSeenAt={device.lastSeenAt} now={now} {...online(device.id)} />
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
        <dd>{dateTime(device.lastSeenAt)}</dd>
      </dl>

      <h2>Variables</h2>
      {labels.length === 0 ? (
        <p className="muted">This device has not sent any variable yet.</p>
      ) : (
        <table className="grid" data-testid="variables-table">
          <TableHead columns={['Variable', 'Last value', 'Unit', 'At']} numeric={['Last value']} />
          <tbody>
            {labels.map((label) => {
              const last = values.get(label);
              return (
                <tr key={label} data-variable={label}>
                  <td>{label}</td>
                  <td className="num" data-testid="last-value">
                    {last ? formatValue(last.value) : <span className="muted">—</span>}
                  </td>
                  <td>{session.can('devices:admin') ? <UnitField deviceId={device.id} variable={label} unit={units.get(label) ?? null} /> : (units.get(label) ?? '')}</td>
                  <td>{last ? dateTime(last.ts) : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      <DeviceProblems deviceId={device.id} />

      <DeviceCharts device={device} initial={range} />

      {below && (
        <>
          <h2>Alarms</h2>
          <AlarmList filter={{ deviceId: device.id, limit: 20 }} showDevice={false} />

          <CommandsSection device={device} canSend={session.can('commands:send')} />

          <div className="panels">
            {session.can('devices:admin') && <TokenActions device={device} />}
            {session.can('devices:admin') && <DeviceSettings device={device} />}
            {session.can('devices:admin') && <ThresholdsForm deviceId={device.id} />}
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
      )}
    </>
  );
}

function UnitField({ deviceId, variable, unit }: { deviceId: number; variable: string; unit: string | null }) {
  const [text, setText] = useState(unit ?? '');
  const action = useAction();
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim() === (unit ?? '')) return;
    void action.run(() => api.call('variables.setUnit', { deviceId, variable, unit: text.trim() || null }));
  };
  return (
    <form onSubmit={save} className="unit-form">
      <input className="narrow" value={text} maxLength={20} onChange={(e) => setText(e.target.value)} onBlur={save} aria-label={`Unit of ${variable}`} placeholder="unit" />
      {action.error && <ErrorNote error={action.error} />}
    </form>
  );
}

function TokenActions({ device }: { device: Device }) {
  const action = useAction();
  const [token, setToken] = useState<string | null>(null);
  const [revoked, setRevoked] = useState<number | null>(null);
  if (token) {
    return (
      <>
        <SecretOnce label={`New token for “${device.label}”`} secret={token} what="token" onDone={() => setToken(null)} />
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <ConnectionCard token={token} deviceLabel={device.label} />
        </Suspense>
      </>
    );
  }
  return (
    <div className="card" aria-labelledby="token-title">
      <h2 id="token-title">Device token</h2>
      <p className="muted">Rotate when a token may have leaked: the old one stops working at once. Revoke to cut the device off until it gets a new token.</p>
      <div className="actions">
        <ConfirmButton
          label="Rotate token"
          question="Issue a new token? The device stops sending until it has it."
          disabled={action.busy}
          onConfirm={() => void action.run(async () => setToken((await api.call('devices.rotateToken', { deviceId: device.id })).token))}
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
