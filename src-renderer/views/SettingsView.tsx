import { useState, type FormEvent } from 'react';
import type { ApiOutput } from '../../src-shared/api/contract';
import { Loading } from '../components/Loading';
import { api } from '../lib/api';
import { splitList } from '../lib/format';
import { useAction, useApiQuery } from '../lib/query';
import { Field, FormActions } from '../components/Form';
import { MapTilesSection } from './MapTilesForm';

type Policy = ApiOutput<'settings.get'>;

export function SettingsView() {
  const policy = useApiQuery('settings.get', {});
  return (
    <section aria-labelledby="settings-title">
      <div className="page-head">
        <h1 id="settings-title">Security settings</h1>
      </div>
      <Loading data={policy} what="the settings">
        {(p) => <PolicyForm policy={p} />}
      </Loading>
      <MapTilesSection />
    </section>
  );
}

function NumberField({ label, value, onChange, unit }: { label: string; value: number; onChange: (n: number) => void; unit?: string }) {
  return (
    <label>
      <span>
        {label} {unit && <span className="muted">({unit})</span>}
      </span>
      <input type="number" step="any" required value={value} onChange={(e) => onChange(Number(e.target.value))} />
    </label>
  );
}

function PolicyForm({ policy }: { policy: Policy }) {
  const [p, setP] = useState(policy);
  const [redirects, setRedirects] = useState(policy.redirectAllowlist.join('\n'));
  const [origins, setOrigins] = useState(policy.consoleOrigins.join('\n'));
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    void action.run(async () => {
      const next = await api.call('settings.update', { ...p, redirectAllowlist: splitList(redirects), consoleOrigins: splitList(origins) });
      setP(next);
      setSaved(true);
    });
  };
  const set = (patch: Partial<Policy>) => setP({ ...p, ...patch });
  return (
    <form className="form-grid settings" onSubmit={submit}>
      <fieldset>
        <legend>Sessions</legend>
        <NumberField label="Session length" unit="hours" value={p.sessionAbsoluteHours} onChange={(n) => set({ sessionAbsoluteHours: n })} />
        <p className="muted small">Sessions also end after 6 hours without use.</p>
      </fieldset>
      <fieldset>
        <legend>Sign-in lockout</legend>
        <NumberField label="Failures before lockout" value={p.lockout.threshold} onChange={(n) => set({ lockout: { ...p.lockout, threshold: n } })} />
        <NumberField label="First lockout" unit="seconds" value={p.lockout.baseMs / 1000} onChange={(n) => set({ lockout: { ...p.lockout, baseMs: Math.round(n * 1000) } })} />
        <NumberField label="Longest lockout" unit="seconds" value={p.lockout.maxMs / 1000} onChange={(n) => set({ lockout: { ...p.lockout, maxMs: Math.round(n * 1000) } })} />
      </fieldset>
      <fieldset>
        <legend>Rate limits</legend>
        <NumberField label="Per address: burst" value={p.rateLimit.perAddress.burst} onChange={(n) => set({ rateLimit: { ...p.rateLimit, perAddress: { ...p.rateLimit.perAddress, burst: n } } })} />
        <NumberField label="Per address: sustained" unit="requests/s" value={p.rateLimit.perAddress.perSecond} onChange={(n) => set({ rateLimit: { ...p.rateLimit, perAddress: { ...p.rateLimit.perAddress, perSecond: n } } })} />
        <NumberField label="Per token: burst" value={p.rateLimit.perToken.burst} onChange={(n) => set({ rateLimit: { ...p.rateLimit, perToken: { ...p.rateLimit.perToken, burst: n } } })} />
        <NumberField label="Per token: sustained" unit="requests/s" value={p.rateLimit.perToken.perSecond} onChange={(n) => set({ rateLimit: { ...p.rateLimit, perToken: { ...p.rateLimit.perToken, perSecond: n } } })} />
      </fieldset>
      <fieldset>
        <legend>Allowed sites</legend>
        <Field label="Sign-in may return to" note="URLs, one per line">
          <textarea rows={3} value={redirects} onChange={(e) => setRedirects(e.target.value)} />
        </Field>
        <Field label="Other web origins that may sign in" note="one per line">
          <textarea rows={3} value={origins} onChange={(e) => setOrigins(e.target.value)} />
        </Field>
      </fieldset>
      {saved && (
        <p role="status" className="ok">
          Saved; the new settings apply from the next request.
        </p>
      )}
      <FormActions submit="Save settings" busy={action.busy} error={action.error} />
    </form>
  );
}
