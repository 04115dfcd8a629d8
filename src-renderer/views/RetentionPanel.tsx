import { useState, type FormEvent } from 'react';
import type { ApiOutput } from '../../src-shared/api/contract';
import { ErrorNote } from '../components/ErrorNote';
import { api } from '../lib/api';
import { useAction, useApiQuery } from '../lib/query';

type Policy = ApiOutput<'retention.get'>;
const fields: [keyof Policy, string][] = [
  ['rawDays', 'Raw readings'],
  ['rollup1mDays', '1-minute rollups'],
  ['rollup1hDays', '1-hour rollups'],
];

/** The organisation's retention (retention.get/update, settings:admin): days per kind of data, empty = forever. */
export function RetentionPanel() {
  const me = useApiQuery('auth.me', {});
  const policy = useApiQuery('retention.get', {}, { enabled: me.state === 'ready' && me.value.permissions.includes('settings:admin') });
  if (policy.state !== 'ready') return null;
  return <RetentionForm policy={policy.value} />;
}

function RetentionForm({ policy }: { policy: Policy }) {
  const [text, setText] = useState(() => Object.fromEntries(fields.map(([k]) => [k, policy[k] === null ? '' : String(policy[k])])) as Record<keyof Policy, string>);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const input = Object.fromEntries(fields.map(([k]) => [k, text[k].trim() === '' ? null : Number(text[k])])) as Policy;
    void action.run(async () => {
      await api.call('retention.update', input);
      setSaved(true);
    });
  };
  return (
    <form onSubmit={submit} aria-labelledby="retention-title">
      <h2 id="retention-title">Data retention</h2>
      <p className="muted">How long this organisation keeps its data, in days (empty: forever). Older rows are removed in the background within the hour.</p>
      {fields.map(([k, label]) => (
        <label key={k}>
          <span>{label}</span>
          <input type="number" min={1} step={1} value={text[k]} placeholder="forever" onChange={(e) => setText({ ...text, [k]: e.target.value })} className="narrow" />
        </label>
      ))}
      <button type="submit" disabled={action.busy}>
        Save retention
      </button>
      <ErrorNote error={action.error} />
      {saved && (
        <span role="status" data-testid="retention-saved">
          Saved.
        </span>
      )}
    </form>
  );
}
