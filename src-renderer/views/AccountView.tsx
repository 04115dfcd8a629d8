import { useState, type FormEvent } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import { FormActions } from '../components/Form';
import { api } from '../lib/api';
import { dateTime } from '../lib/format';
import { useSession } from '../lib/session';
import { useAction } from '../lib/query';

export function AccountView() {
  const session = useSession();
  const action = useAction();
  return (
    <section aria-labelledby="account-title">
      <div className="page-head">
        <h1 id="account-title">Your account</h1>
      </div>
      <dl className="facts">
        {session.user && (
          <>
            <dt>Email</dt>
            <dd>{session.user.email}</dd>
            <dt>Organisation</dt>
            <dd>{session.user.org}</dd>
          </>
        )}
        <dt>Role</dt>
        <dd>{session.me.role ?? session.me.kind}</dd>
        <dt>May</dt>
        <dd>{session.me.permissions.join(', ')}</dd>
        <dt>Session ends</dt>
        <dd>{dateTime(session.expiresAt)} (or after 6 hours without use)</dd>
      </dl>
      <TotpSetup />
      {session.user && <MyData id={session.user.id} />}
      <div className="card">
        <h2>Sign out</h2>
        <p className="muted">“Everywhere” ends every session of your account: other browsers, other computers, the desktop app.</p>
        <div className="actions">
          <button type="button" onClick={() => void action.run(() => session.signOut())} disabled={action.busy}>
            Sign out
          </button>
          <button type="button" className="danger" onClick={() => void action.run(() => session.signOutEverywhere())} disabled={action.busy}>
            Sign out everywhere
          </button>
        </div>
        <ErrorNote error={action.error} />
      </div>
    </section>
  );
}

function TotpSetup() {
  const session = useSession();
  const action = useAction();
  const [secret, setSecret] = useState<{ secret: string; uri: string } | null>(null);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [on, setOn] = useState<boolean | null>(null);
  const [mode, setMode] = useState<'idle' | 'password' | 'disable'>('idle');
  const reset = () => {
    setPassword('');
    setCode('');
    setMode('idle');
  };
  const start = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      setSecret(await api.call('auth.totpSetup', { password }));
      setPassword('');
    });
  };
  const confirm = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api.call('auth.totpConfirm', { code: code.trim() });
      setOn(true);
      setSecret(null);
      reset();
    });
  };
  const disable = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api.call('auth.totpDisable', { password, code: code.trim() });
      setOn(false);
      reset();
    });
  };
  return (
    <div className="card" aria-labelledby="totp-title">
      <h2 id="totp-title">Two-factor sign-in</h2>
      {on === true && (
        <p role="status" className="ok">
          Two-factor sign-in is on: from now on you need a code from your app to sign in.
        </p>
      )}
      {on === false && (
        <p role="status" className="ok">
          Two-factor sign-in is off.
        </p>
      )}
      {!secret && mode === 'idle' && (
        <>
          <p className="muted">Adds a 6-digit code from an authenticator app to every sign-in. Lost your authenticator? An owner of your organisation can remove it.</p>
          <div className="actions">
            <button type="button" onClick={() => setMode('password')} disabled={!session.user}>
              Set up two-factor sign-in
            </button>
            <button type="button" onClick={() => setMode('disable')} disabled={!session.user}>
              Turn two-factor sign-in off
            </button>
          </div>
        </>
      )}
      {!secret && mode === 'password' && (
        <form onSubmit={start} className="form-grid">
          <label>
            Your password (again, to change how you sign in)
            <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} autoFocus />
          </label>
          <FormActions submit="Continue" busy={action.busy} error={action.error} onCancel={reset} />
        </form>
      )}
      {mode === 'disable' && (
        <form onSubmit={disable} className="form-grid">
          <label>
            Your password
            <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} autoFocus />
          </label>
          <label>
            A current code from your authenticator app
            <input inputMode="numeric" pattern="\d{6}" maxLength={6} required value={code} onChange={(e) => setCode(e.target.value)} autoComplete="one-time-code" />
          </label>
          <FormActions submit="Turn off" busy={action.busy} error={action.error} onCancel={reset} />
        </form>
      )}
      {secret && (
        <form onSubmit={confirm} className="form-grid">
          <p>Add this secret to your authenticator app (or open the link on the phone that has it), then type the code it shows.</p>
          <p>
            Secret: <code className="mono">{secret.secret}</code>
          </p>
          <p className="small">
            <a href={secret.uri}>Open in authenticator app</a>
          </p>
          <label>
            Code
            <input inputMode="numeric" pattern="\d{6}" maxLength={6} required value={code} onChange={(e) => setCode(e.target.value)} autoComplete="one-time-code" />
          </label>
          <FormActions submit="Turn on" busy={action.busy} error={action.error} />
        </form>
      )}
      {!secret && mode === 'idle' && <ErrorNote error={action.error} />}
    </div>
  );
}

/** The person's own data (users.exportData, audited), as a JSON file. */
function MyData({ id }: { id: number }) {
  const action = useAction();
  const download = () =>
    void action.run(async () => {
      const data = await api.call('users.exportData', { id });
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `outpost-my-data-${new Date().toISOString().slice(0, 10)}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });
  return (
    <div className="card">
      <h2>Your data</h2>
      <p className="muted">Everything this hub holds about you: profile, memberships, sessions, addresses you signed in from, and the audit entries by and about you.</p>
      <button type="button" disabled={action.busy} onClick={download}>
        Download my data
      </button>
      <ErrorNote error={action.error} />
    </div>
  );
}
