import { CertificateHelp } from '../components/CertificateHelp';
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
  const hub = useApiQuery('hub.info', {});
  const [accepting, setAccepting] = useState(false);

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

  if (accepting) return <AcceptInvitation onDone={() => setAccepting(false)} />;
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
        <p className="small">
          <button type="button" className="link" onClick={() => setAccepting(true)}>
            I have an invitation code
          </button>
        </p>
      </form>
      <aside className="card first-run" aria-labelledby="first-run-title">
        <h2 id="first-run-title">First time here?</h2>
        <p>
          While the hub has no account, it prints a setup address when it starts (in its terminal, its <span className="mono">ready</span> event and{' '}
          <span className="mono">logs/outpost.log</span> in its data directory; the desktop app opens it by itself). Open it to create the owner account.
        </p>
        <p className="muted">Owners and admins add everyone else from the Users page. Scripts can use <span className="mono">outpost user add</span> (see its --help).</p>
        {hub.state === 'ready' && (
          <p className="muted small">
            Before typing a password on a new computer, check that the certificate fingerprint your browser shows matches the hub’s:{' '}
            <span className="mono" data-testid="ca-fingerprint">
              {hub.value.caFingerprint}
            </span>{' '}
            (<a href={href('status')}>more</a>).
          </p>
        )}
      </aside>
      {hub.state === 'ready' && <CertificateHelp fingerprint={hub.value.caFingerprint} caPem={null} />}
    </div>
  );
}

/** An invitation from an organisation's admin: sign in with an existing account, or choose a password for a new one. */
function AcceptInvitation({ onDone }: { onDone: () => void }) {
  const [code, setCode] = useState('');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [accepted, setAccepted] = useState<string | null>(null);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const answer = await api.call('auth.acceptInvite', { code: code.trim(), email: email.trim(), password, ...(name.trim() ? { name: name.trim() } : {}), ...(totp.trim() ? { totp: totp.trim() } : {}) });
      setAccepted(`You are now ${answer.role === 'admin' || answer.role === 'owner' ? 'an' : 'a'} ${answer.role} of ${answer.org}. Sign in${answer.newAccount ? ' with the password you chose' : ''}, choosing that organisation if you belong to several.`);
    });
  };
  return (
    <div className="login-page">
      <form className="login card" onSubmit={submit} aria-labelledby="accept-title">
        <h1 id="accept-title">Accept an invitation</h1>
        {accepted ? (
          <>
            <p role="status" className="ok">
              {accepted}
            </p>
            <button type="button" className="primary" onClick={onDone}>
              Go to sign-in
            </button>
          </>
        ) : (
          <>
            <p className="muted">Already have an account on this hub? Enter its password (and code). New here? Choose a password of at least 12 characters.</p>
            <label>
              Invitation code
              <input name="code" required value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" className="mono" autoFocus />
            </label>
            <label>
              Email the invitation was sent to
              <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
            </label>
            <label>
              Password
              <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
            </label>
            <label>
              Your name <span className="muted">(new accounts; optional)</span>
              <input name="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
            </label>
            <label>
              One-time code <span className="muted">(only if your account has two-factor sign-in)</span>
              <input name="totp" inputMode="numeric" pattern="\d{6}" maxLength={6} value={totp} onChange={(e) => setTotp(e.target.value)} autoComplete="one-time-code" />
            </label>
            <ErrorNote error={action.error} />
            <div className="actions">
              <button type="submit" className="primary" disabled={action.busy}>
                {action.busy ? 'Accepting…' : 'Accept'}
              </button>
              <button type="button" onClick={onDone}>
                Back to sign-in
              </button>
            </div>
          </>
        )}
      </form>
    </div>
  );
}
