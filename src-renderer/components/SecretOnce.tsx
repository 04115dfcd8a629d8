import { useState } from 'react';

/** A token the hub will never show again: copy button, warning, and an explicit "I stored it". */
export function SecretOnce({ label, secret, what, onDone }: { label: string; secret: string; what: string; onDone: () => void }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const copy = () => {
    navigator.clipboard.writeText(secret).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  };
  return (
    <section className="secret" aria-labelledby="secret-title" data-testid="secret-once">
      <h3 id="secret-title">{label}</h3>
      <p className="warning" role="note">
        This is the only time the hub shows this {what}. Copy it now and store it {what === 'token' ? 'in the device' : 'somewhere safe'}; if it is lost, issue a new one.
      </p>
      <div className="secret-row">
        <code className="mono" data-testid="secret-value" aria-label={label}>
          {secret}
        </code>
        <button type="button" onClick={copy}>
          Copy
        </button>
      </div>
      <p aria-live="polite" className="muted">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'The browser refused the clipboard: select the text and copy it by hand.' : ''}
      </p>
      <button type="button" className="primary" onClick={onDone}>
        I have stored it
      </button>
    </section>
  );
}
