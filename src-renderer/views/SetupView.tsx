import { CertificateHelp } from '../components/CertificateHelp';
import { useState, type FormEvent } from 'react';
import { api } from '../lib/api';
import { useSessionState } from '../lib/session';
import { useAction, useApiQuery } from '../lib/query';
import { ErrorNote } from '../components/ErrorNote';
import { href, navigate } from '../lib/route';

/**
 * First run: the hub printed an address with a one-time setup code while no
 * account existed. The code is only a way in: the hub checks it, spends it and
 * refuses it once an owner exists.
 */
export function SetupView({ code }: { code: string }) {
  const { signedIn } = useSessionState();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const action = useAction();
  const hub = useApiQuery('hub.info', {});

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMismatch(password !== again);
    if (password !== again) return;
    void action.run(async () => {
      await api.call('auth.setupOwner', { code, email: email.trim(), password, ...(name.trim() ? { name: name.trim() } : {}) });
      const answer = await api.call('auth.login', { email: email.trim(), password });
      navigate();
      await signedIn(answer);
    });
  };

  return (
    <div className="login-page">
      <form className="login card" onSubmit={submit} aria-labelledby="setup-title">
        <h1 id="setup-title">Create the owner account</h1>
        <p className="muted">This hub has no account yet. The owner manages the hub and adds everyone else from the Users page.</p>
        <label>
          Email
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </label>
        <label>
          Your name <span className="muted">(optional)</span>
          <input name="name" autoComplete="name" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Password <span className="muted">(at least 12 characters)</span>
          <input type="password" name="password" autoComplete="new-password" required minLength={12} value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <label>
          Password again
          <input type="password" name="password-again" autoComplete="new-password" required value={again} onChange={(e) => setAgain(e.target.value)} aria-invalid={mismatch} />
        </label>
        {mismatch && (
          <div className="error" role="alert">
            The two passwords differ. Type the same password twice.
          </div>
        )}
        <ErrorNote error={action.error} />
        <button type="submit" className="primary" disabled={action.busy}>
          {action.busy ? 'Creating…' : 'Create the owner account'}
        </button>
        <p className="small">
          <a href={href()}>I already have an account</a>
        </p>
      </form>
      {hub.state === 'ready' && (
        <aside className="card first-run" aria-labelledby="setup-cert-title">
          <h2 id="setup-cert-title">Is this your hub?</h2>
          <p className="muted small">
            Before choosing a password, check that the certificate fingerprint your browser shows matches the one the hub printed when it started:{' '}
            <span className="mono" data-testid="ca-fingerprint">
              {hub.value.caFingerprint}
            </span>
          </p>
        </aside>
      )}
      {hub.state === 'ready' && <CertificateHelp fingerprint={hub.value.caFingerprint} caPem={null} />}
    </div>
  );
}
