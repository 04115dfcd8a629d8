import { useState, type FormEvent } from 'react';
import { api } from '../lib/api';
import { useSessionState } from '../lib/session';
import { useAction, useApiQuery } from '../lib/query';
import { ErrorNote } from '../components/ErrorNote';
import { href } from '../lib/route';

export function LoginView({ notice }: { notice: string | null }) {
  const { signedIn } = useSessionState();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needsTotp, setNeedsTotp] = useState(false);
  const action = useAction();
  const hub = useApiQuery('hub.status', {});

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      try {
        const answer = await api.call('auth.login', { email: email.trim(), password, ...(needsTotp && totp ? { totp: totp.trim() } : {}) });
        await signedIn(answer);
      } catch (err) {
        if ((err as { code?: string }).code === 'TOTP_REQUIRED') setNeedsTotp(true);
        throw err;
      }
    });
  };

  return (
    <div className="login-page">
      <form className="login card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Sign in to Outpost</h1>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <label>
          Email
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </label>
        <label>
          Password
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {needsTotp && (
          <label>
            One-time code
            <input
              name="totp"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="\d{6}"
              maxLength={6}
              required
              value={totp}
              onChange={(e) => setTotp(e.target.value)}
              aria-describedby="totp-help"
              autoFocus
            />
            <span id="totp-help" className="muted">
              The 6-digit code from your authenticator app.
            </span>
          </label>
        )}
        <ErrorNote error={action.error} />
        <button type="submit" className="primary" disabled={action.busy}>
          {action.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <aside className="card first-run" aria-labelledby="first-run-title">
        <h2 id="first-run-title">First time here?</h2>
        <p>Accounts are created on the computer that runs the hub. To make the first owner, run:</p>
        <pre className="mono">{'outpost user add you@example.com \\\n    --role owner --password-stdin'}</pre>
        <p className="muted">Type the password and press Enter, then Ctrl-D. Owners and admins add everyone else from the Users page.</p>
        {hub.state === 'ready' && (
          <p className="muted small">
            Hub <span className="mono">{hub.value.hubId}</span>. Before typing a password on a new computer, check that the certificate fingerprint your browser shows matches{' '}
            <a href={href('status')}>the hub’s</a>.
          </p>
        )}
      </aside>
    </div>
  );
}
