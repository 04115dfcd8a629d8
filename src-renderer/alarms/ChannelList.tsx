import { useState, type FormEvent } from 'react';
import type { AlarmChannel, CreateChannelInput, SmtpSecurity } from '../../src-shared/api/areas/alarm-channels';
import { ConfirmButton } from '../components/ConfirmButton';
import { ErrorNote } from '../components/ErrorNote';
import { FormActions } from '../components/Form';
import { Loading } from '../components/Loading';
import { SecretOnce } from '../components/SecretOnce';
import { TableHead } from '../components/TableHead';
import { api } from '../lib/api';
import { dateTime } from '../lib/format';
import { useAction, useApiQuery } from '../lib/query';
import { useSession } from '../lib/session';

const target = (c: AlarmChannel) =>
  c.kind === 'webhook' ? c.url : `${c.email.host}:${c.email.port} (${c.email.security}) → ${c.email.to.join(', ')}${c.email.username ? `, login ${c.email.username}` : ''}`;

/**
 * The organisation's notification channels (alarms:admin): list, add a
 * webhook or an email (SMTP) channel, remove. A webhook's signing secret is
 * shown once; an SMTP password is sent once and never shown. Their
 * deliveries are in DeliveryList below.
 */
export function ChannelList() {
  const isAdmin = useSession().can('alarms:admin');
  const channels = useApiQuery('alarmChannels.list', {}, { enabled: isAdmin, keepPrevious: true });
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const remove = useAction();
  if (!isAdmin) return null;
  return (
    <section aria-labelledby="channels-title">
      <h2 id="channels-title">Channels</h2>
      {secret && <SecretOnce label={`Signing secret of ${secret.name}`} secret={secret.secret} what="secret" onDone={() => setSecret(null)} />}
      <Loading data={channels} what="channels">
        {(list) =>
          list.length === 0 ? (
            <p className="muted" data-testid="channels-empty">
              No channels yet. Add a webhook or an email channel, then name it in a rule.
            </p>
          ) : (
            <div className="table-scroll">
              <table className="grid small alarm-table" data-testid="channels-table">
                <TableHead columns={['Name', 'Kind', 'Target', 'Added', '']} />
                <tbody>
                  {list.map((c) => (
                    <tr key={c.id} data-testid={`channel-${c.name}`}>
                      <td data-label="Name">{c.name}</td>
                      <td data-label="Kind">{c.kind}</td>
                      <td data-label="Target">
                        <span className="wrap">{target(c)}</span>
                      </td>
                      <td data-label="Added">{dateTime(c.createdAt)}</td>
                      <td className="row-actions">
                        <ConfirmButton label="Remove" question={`Remove ${c.name} and its queued notifications?`} disabled={remove.busy} onConfirm={() => void remove.run(() => api.call('alarmChannels.remove', { channelId: c.id }))} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loading>
      <ErrorNote error={remove.error} />
      {adding ? (
        <ChannelForm
          onDone={(made) => {
            setAdding(false);
            if (made?.kind === 'webhook') setSecret({ name: made.name, secret: made.secret });
          }}
        />
      ) : (
        <button type="button" onClick={() => setAdding(true)} data-testid="add-channel">
          Add channel
        </button>
      )}
    </section>
  );
}

function ChannelForm({ onDone }: { onDone: (made?: { kind: 'webhook'; name: string; secret: string } | { kind: 'email' }) => void }) {
  const [kind, setKind] = useState<'webhook' | 'email'>('webhook');
  const [f, setF] = useState({ name: '', url: 'https://', host: '', port: '587', security: 'starttls' as SmtpSecurity, username: '', password: '', from: '', to: '' });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input: CreateChannelInput =
      kind === 'webhook'
        ? { name: f.name.trim(), kind, url: f.url.trim() }
        : {
            name: f.name.trim(),
            kind,
            host: f.host.trim(),
            port: Number(f.port),
            security: f.security,
            from: f.from.trim(),
            to: f.to.split(/[\s,;]+/).filter(Boolean),
            ...(f.username.trim() ? { username: f.username.trim(), password: f.password } : {}),
          };
    void action.run(async () => {
      const made = await api.call('alarmChannels.create', input);
      onDone(made.kind === 'webhook' ? { kind: 'webhook', name: made.name, secret: made.secret } : { kind: 'email' });
    });
  };
  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby="channel-form-title">
      <h3 id="channel-form-title">New channel</h3>
      <label>
        Name
        <input required value={f.name} onChange={set('name')} maxLength={100} autoFocus />
      </label>
      <label>
        Kind
        <select value={kind} onChange={(e) => setKind(e.target.value as 'webhook' | 'email')}>
          <option value="webhook">Webhook (HTTPS, signed)</option>
          <option value="email">Email (SMTP)</option>
        </select>
      </label>
      {kind === 'webhook' ? (
        <label>
          URL
          <input required type="url" value={f.url} onChange={set('url')} maxLength={2000} />
        </label>
      ) : (
        <>
          <label>
            SMTP server
            <input required value={f.host} onChange={set('host')} maxLength={253} placeholder="mail.example.com" />
          </label>
          <label>
            Port
            <input required type="number" min={1} max={65535} value={f.port} onChange={set('port')} />
          </label>
          <label>
            Security
            <select value={f.security} onChange={set('security')}>
              <option value="starttls">STARTTLS (usually 587)</option>
              <option value="tls">TLS (usually 465)</option>
            </select>
          </label>
          <label>
            Username (empty: no login)
            <input value={f.username} onChange={set('username')} maxLength={200} autoComplete="off" />
          </label>
          <label>
            Password
            <input type="password" value={f.password} onChange={set('password')} maxLength={1000} autoComplete="new-password" required={f.username.trim() !== ''} />
          </label>
          <label>
            From
            <input required type="email" value={f.from} onChange={set('from')} maxLength={254} />
          </label>
          <label>
            To (one or more addresses)
            <input required value={f.to} onChange={set('to')} placeholder="duty@example.com, lead@example.com" />
          </label>
        </>
      )}
      <p className="muted">The host must be on the hub’s outbound allowlist (security policy, set by the hub owner).</p>
      <FormActions submit="Add" busy={action.busy} error={action.error} onCancel={() => onDone()} />
    </form>
  );
}
