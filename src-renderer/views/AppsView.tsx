import { useState, type FormEvent } from 'react';
import type { ApiOutput } from '../../src-shared/api/contract';
import { scopes, type Scope } from '../../src-shared/permissions';
import { CheckList } from '../components/CheckList';
import { ErrorNote } from '../components/ErrorNote';
import { Loading } from '../components/Loading';
import { RevokeCell } from '../components/RevokeCell';
import { SecretOnce } from '../components/SecretOnce';
import { api } from '../lib/api';
import { dateTime, splitList } from '../lib/format';
import { TableHead } from '../components/TableHead';
import { Field, FormActions } from '../components/Form';
import { useAction, useApiQuery } from '../lib/query';

type App = ApiOutput<'apps.list'>[number];
type ApiKey = ApiOutput<'apiKeys.list'>[number];

const dayMs = 86_400_000;

export function AppsView() {
  const apps = useApiQuery('apps.list', {});
  const keys = useApiQuery('apiKeys.list', {});
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  return (
    <section aria-labelledby="apps-title">
      <div className="page-head">
        <h1 id="apps-title">Apps and API keys</h1>
      </div>
      {secret && <SecretOnce label={secret.label} secret={secret.value} what="secret" onDone={() => setSecret(null)} />}
      <h2>App tokens</h2>
      <p className="muted">
        For dashboards and scripts: each token has only the scopes and devices you give it, and can be limited to addresses and web origins. Give it MQTT topic patterns to make it an
        integration (Home Assistant, Node-RED) on the hub&apos;s MQTT broker: see docs/INTEGRATIONS.md.
      </p>
      <NewApp
        onCreated={(name, token) => {
          setSecret({ label: `Token for app “${name}”`, value: token });
          apps.reload();
        }}
      />
      <Loading data={apps} what="the apps">
        {(list) => (list.length === 0 ? <p className="muted">No apps yet.</p> : <AppTable apps={list} onChanged={apps.reload} />)}
      </Loading>
      <h2>API keys</h2>
      <p className="muted">Ubidots-style keys, traded for short-lived access tokens at /api/v1.6/auth/token.</p>
      <NewApiKey
        onCreated={(name, key) => {
          setSecret({ label: `API key “${name}”`, value: key });
          keys.reload();
        }}
      />
      <Loading data={keys} what="the API keys">
        {(list) => (list.length === 0 ? <p className="muted">No API keys yet.</p> : <KeyTable keys={list} onChanged={keys.reload} />)}
      </Loading>
    </section>
  );
}

function AppTable({ apps, onChanged }: { apps: App[]; onChanged: () => void }) {
  return (
    <table className="grid">
      <TableHead columns={['Name', 'Token', 'Scopes', 'Devices', 'MQTT', 'Expires', 'Last used']} actions />
      <tbody>
        {apps.map((a) => (
          <tr key={a.id}>
            <td>
              {a.name}
              {a.serverOnly && <span className="badge">server only</span>}
            </td>
            <td className="mono">{a.hint}</td>
            <td>{a.scopes.join(', ')}</td>
            <td>{a.deviceIds === null ? 'all' : a.deviceIds.length}</td>
            <MqttCell app={a} />
            <td>{a.expiresAt ? dateTime(a.expiresAt) : 'never'}</td>
            <td>{dateTime(a.lastUsedAt)}</td>
            <RevokeCell name={a.name} revoked={a.revoked} revoke={() => api.call('apps.revoke', { name: a.name }).then(onChanged)} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** An integration's MQTT topic patterns (docs/INTEGRATIONS.md); "none" for an app kept off the broker. */
function MqttCell({ app }: { app: App }) {
  if (app.mqttSubscribe.length === 0 && app.mqttPublish.length === 0) return <td className="muted">none</td>;
  return (
    <td className="mono">
      {app.mqttSubscribe.map((p) => (
        <div key={`s${p}`}>subscribe {p}</div>
      ))}
      {app.mqttPublish.map((p) => (
        <div key={`p${p}`}>publish {p}</div>
      ))}
    </td>
  );
}

/** Topic patterns are one per line: a topic may hold a comma. */
const patternLines = (text: string): string[] =>
  text
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);

function KeyTable({ keys, onChanged }: { keys: ApiKey[]; onChanged: () => void }) {
  return (
    <table className="grid">
      <TableHead columns={['Name', 'Key', 'Created']} actions />
      <tbody>
        {keys.map((k) => (
          <tr key={k.id}>
            <td>{k.name}</td>
            <td className="mono">{k.hint}</td>
            <td>{dateTime(k.createdAt)}</td>
            <RevokeCell name={k.name} revoked={k.revoked} revoke={() => api.call('apiKeys.revoke', { name: k.name }).then(onChanged)} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function NewApp({ onCreated }: { onCreated: (name: string, token: string) => void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<Scope[]>(['devices:read', 'readings:read']);
  const [allowIps, setAllowIps] = useState('');
  const [allowOrigins, setAllowOrigins] = useState('');
  const [serverOnly, setServerOnly] = useState(false);
  const [days, setDays] = useState('');
  const [mqttSubscribe, setMqttSubscribe] = useState('');
  const [mqttPublish, setMqttPublish] = useState('');
  const action = useAction();
  if (!open) {
    return (
      <p>
        <button type="button" className="primary" onClick={() => setOpen(true)}>
          New app token
        </button>
      </p>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const expiresIn = days.trim() === '' ? null : Number(days);
      if (expiresIn !== null && !(expiresIn > 0)) throw { code: 'INVALID_INPUT', message: 'Expiry must be a number of days above 0, or empty for never.' };
      const answer = await api.call('apps.create', {
        name: name.trim(),
        scopes: chosen,
        allowIps: splitList(allowIps),
        allowOrigins: splitList(allowOrigins),
        serverOnly,
        expiresAt: expiresIn === null ? null : Date.now() + Math.round(expiresIn * dayMs),
        mqttSubscribe: patternLines(mqttSubscribe),
        mqttPublish: patternLines(mqttPublish),
      });
      setOpen(false);
      setName('');
      onCreated(answer.app.name, answer.token);
    });
  };
  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby="new-app-title">
      <h3 id="new-app-title">New app token</h3>
      <label>
        Name
        <input required value={name} onChange={(e) => setName(e.target.value)} maxLength={100} autoFocus />
      </label>
      <CheckList legend="Scopes" options={scopes.map((s) => ({ value: s, label: s }))} chosen={chosen} onChange={setChosen} />
      <Field label="Allowed addresses" note="CIDR, one per line; empty: any">
        <textarea rows={2} value={allowIps} onChange={(e) => setAllowIps(e.target.value)} />
      </Field>
      <Field label="Allowed web origins" note="one per line, like https://dash.example.com">
        <textarea rows={2} value={allowOrigins} onChange={(e) => setAllowOrigins(e.target.value)} />
      </Field>
      <label className="check">
        <input type="checkbox" checked={serverOnly} onChange={(e) => setServerOnly(e.target.checked)} />
        Server only (refused from web pages)
      </label>
      <Field label="Expires after (days)" note="empty: never">
        <input inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} />
      </Field>
      <Field label="MQTT subscribe patterns" note="integrations only; one per line, + and #, %c client id, %u app name, e.g. outpost/v1/1/devices/#">
        <textarea rows={2} value={mqttSubscribe} onChange={(e) => setMqttSubscribe(e.target.value)} />
      </Field>
      <Field label="MQTT publish patterns" note="one per line; commands: outpost/v1/1/devices/+/+/set">
        <textarea rows={2} value={mqttPublish} onChange={(e) => setMqttPublish(e.target.value)} />
      </Field>
      <FormActions submit="Create token" busy={action.busy} error={action.error} onCancel={() => setOpen(false)} />
    </form>
  );
}

function NewApiKey({ onCreated }: { onCreated: (name: string, key: string) => void }) {
  const [name, setName] = useState('');
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const answer = await api.call('apiKeys.create', { name: name.trim() });
      setName('');
      onCreated(answer.apiKey.name, answer.key);
    });
  };
  return (
    <form className="form-inline" onSubmit={submit} aria-label="New API key">
      <label>
        New API key named
        <input required value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
      </label>
      <button type="submit" disabled={action.busy}>
        Create key
      </button>
      <ErrorNote error={action.error} />
    </form>
  );
}
