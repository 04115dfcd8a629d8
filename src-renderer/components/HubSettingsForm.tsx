import { useState, type FormEvent } from 'react';
import type { ApiOutput } from '../../src-shared/api/contract';
import { api } from '../lib/api';
import { useAction, useApiQuery } from '../lib/query';
import { ErrorNote } from './ErrorNote';

type HubSetting = ApiOutput<'hubSettings.list'>[number];

/**
 * A few hub settings (hubSettings.set, hub owner, audited) edited in their
 * text form, as `outpost settings set NAME VALUE` takes them. Hidden from
 * anyone but the hub owner (hubSettings.list refuses them).
 */
export function HubSettingsForm({ id, title, intro, fields }: { id: string; title: string; intro: string; fields: { name: string; label: string }[] }) {
  const me = useApiQuery('auth.me', {});
  const list = useApiQuery('hubSettings.list', {}, { enabled: me.state === 'ready' && me.value.hubAdmin });
  if (list.state !== 'ready') return null;
  return <SettingsForm id={id} title={title} intro={intro} fields={fields} settings={list.value} />;
}

function SettingsForm({ id, title, intro, fields, settings }: { id: string; title: string; intro: string; fields: { name: string; label: string }[]; settings: HubSetting[] }) {
  const textOf = (name: string) => settings.find((s) => s.name === name)?.text ?? '';
  const [text, setText] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f.name, textOf(f.name)])));
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    void action.run(async () => {
      // Only what changed: each change is its own audited write.
      for (const f of fields) if (text[f.name]!.trim() !== textOf(f.name)) await api.call('hubSettings.set', { name: f.name, value: text[f.name]!.trim() || 'none' });
      setSaved(true);
    });
  };
  return (
    <form onSubmit={submit} aria-labelledby={`${id}-title`} data-testid={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      <p className="muted">{intro}</p>
      {fields.map((f) => (
        <label key={f.name}>
          <span>{f.label}</span>
          <input name={f.name} value={text[f.name]} onChange={(e) => setText({ ...text, [f.name]: e.target.value })} className="narrow" />
        </label>
      ))}
      <button type="submit" disabled={action.busy}>
        Save
      </button>
      <ErrorNote error={action.error} />
      {saved && (
        <span role="status" data-testid={`${id}-saved`}>
          Saved.
        </span>
      )}
    </form>
  );
}
