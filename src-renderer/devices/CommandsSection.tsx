import { useState, type FormEvent } from 'react';
import type { ApiOutput } from '../../src-shared/api/contract';
import { ErrorNote } from '../components/ErrorNote';
import { TableHead } from '../components/TableHead';
import { api } from '../lib/api';
import { dateTime, formatValue } from '../lib/format';
import { useLiveMode } from '../lib/live-cache';
import { useAction, useApiQuery } from '../lib/query';

type Device = ApiOutput<'devices.get'>;
type CommandRow = ApiOutput<'commands.list'>[number];

const shown = 20;
/** Without the live channel a command still on its way is re-read this often. */
const openPollMs = 2_000;

/** Still waiting for the device: pending, or an RPC delivered but not answered. */
const isOpen = (c: CommandRow) => c.status === 'pending' || (c.status === 'delivered' && c.kind === 'rpc');

/** Badge colour per state (styles.css `.badge.*`). */
const badgeClass: Record<CommandRow['status'], string> = { pending: 'stale', delivered: 'online', answered: 'online', expired: 'offline' };

/**
 * A device's command history. Rows change state as the hub reports it: the
 * live channel's `commands` event refetches this list (lib/live-cache.tsx);
 * without the channel, the list is re-read while a command is still open.
 */
export function CommandsSection({ device, canSend }: { device: Device; canSend: boolean }) {
  const mode = useLiveMode();
  const [open, setOpen] = useState(false);
  const list = useApiQuery('commands.list', { deviceId: device.id, count: shown }, { refreshMs: mode !== 'live' && open ? openPollMs : false });
  const rows = list.state === 'ready' ? list.value : [];
  const anyOpen = rows.some(isOpen);
  if (anyOpen !== open) setOpen(anyOpen);

  return (
    <section aria-labelledby="commands-title" className="commands">
      <h2 id="commands-title">Commands</h2>
      {canSend && <SendCommand device={device} onSent={list.reload} />}
      {list.state === 'error' ? (
        <ErrorNote error={list} title="Could not load the commands." />
      ) : rows.length === 0 ? (
        <p className="muted">{list.state === 'loading' ? 'Loading…' : 'No commands sent to this device yet.'}</p>
      ) : (
        <table className="grid" data-testid="commands-table">
          <TableHead columns={['#', 'Command', 'State', 'Sent', 'Delivered', 'Answer', 'By']} />
          <tbody>
            {rows.map((c) => (
              <tr key={c.id} data-command={c.id} data-status={c.status}>
                <td className="mono">{c.id}</td>
                <td className="mono">{describe(c)}</td>
                <td>
                  <span className={`badge ${badgeClass[c.status]}`} data-testid="command-status" title={c.status === 'pending' ? `Expires ${dateTime(c.expiresAt)}` : undefined}>
                    {c.status}
                  </span>
                </td>
                <td className="nowrap">{dateTime(c.createdAt)}</td>
                <td className="nowrap">{c.deliveredAt === null ? '—' : dateTime(c.deliveredAt)}</td>
                <td className="mono" data-testid="command-answer">
                  {c.answeredAt === null ? '—' : truncate(JSON.stringify(c.response ?? null), 80)}
                </td>
                <td>{c.requestedBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function describe(c: CommandRow): string {
  if (c.kind === 'control') return `${c.variable ?? ''} = ${c.value === null ? '' : formatValue(c.value)}`;
  return `${c.method ?? ''}(${c.params === null || c.params === undefined ? '' : truncate(JSON.stringify(c.params), 60)})`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

type Kind = 'value' | 'rpc';

/** The contract's bound on `expiresInMs` (a week). */
const maxExpirySeconds = 7 * 24 * 3600;

function parseParams(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw { code: 'INVALID_INPUT', message: 'Parameters must be JSON, like {"delay": 5}, or left empty.' };
  }
}

/** Sends a value or an RPC without waiting: the history shows it arrive. */
function SendCommand({ device, onSent }: { device: Device; onSent: () => void }) {
  const [kind, setKind] = useState<Kind>('value');
  const [variable, setVariable] = useState(device.variables[0]?.label ?? '');
  const [value, setValue] = useState('');
  const [method, setMethod] = useState('');
  const [params, setParams] = useState('');
  const [expires, setExpires] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setResult(null);
    void action.run(async () => {
      const seconds = Number(expires);
      if (expires.trim() !== '' && !(Number.isInteger(seconds) && seconds >= 1 && seconds <= maxExpirySeconds)) {
        throw { code: 'INVALID_INPUT', message: `"Give up after" is whole seconds from 1 to ${maxExpirySeconds} (a week), or empty for an hour.` };
      }
      const timing = { waitMs: 0, ...(expires.trim() === '' ? {} : { expiresInMs: seconds * 1000 }) };
      let answer;
      if (kind === 'value') {
        const number = Number(value);
        if (value.trim() === '' || !Number.isFinite(number)) throw { code: 'INVALID_INPUT', message: 'The value must be a number, like 1 or 21.5.' };
        answer = await api.call('commands.send', { deviceId: device.id, variable: variable.trim(), value: number, ...timing });
      } else {
        answer = await api.call('commands.send', { deviceId: device.id, rpc: { method: method.trim(), params: parseParams(params) }, ...timing });
      }
      setResult(`Command ${answer.id} is ${answer.status}.`);
      onSent();
    });
  };
  return (
    <div className="card">
      <h3 id="command-title">Send a command</h3>
      <form className="form-inline" onSubmit={submit} aria-labelledby="command-title">
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            <option value="value">Value</option>
            <option value="rpc">RPC</option>
          </select>
        </label>
        {kind === 'value' ? (
          <>
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
          </>
        ) : (
          <>
            <label>
              Method
              <input required maxLength={100} value={method} onChange={(e) => setMethod(e.target.value)} placeholder="reboot" />
            </label>
            <label>
              Parameters (JSON)
              <input value={params} onChange={(e) => setParams(e.target.value)} placeholder='{"delay": 5}' />
            </label>
          </>
        )}
        <label>
          Give up after (s)
          <input className="narrow" inputMode="numeric" value={expires} onChange={(e) => setExpires(e.target.value)} placeholder="3600" />
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
