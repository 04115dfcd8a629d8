import { useMemo, useState } from 'react';

const seenKey = 'outpost.certificateHelpSeen';

function seen(): boolean {
  try {
    return window.localStorage.getItem(seenKey) === '1';
  } catch {
    return false;
  }
}

/**
 * Why the browser warned on the first visit: the hub's certificate comes
 * from its own CA, not a public one. Open by itself on a browser's first
 * visit; closing it once keeps it closed on that browser.
 */
export function CertificateHelp({ fingerprint, caPem, title }: { fingerprint: string; caPem: string | null; title?: string }) {
  // On the Hub page (a title given) it starts closed: the person is past the warning already.
  const [open, setOpen] = useState(() => !title && !seen());
  const caUrl = useMemo(() => (caPem ? URL.createObjectURL(new Blob([caPem], { type: 'application/x-pem-file' })) : null), [caPem]);
  return (
    <details
      className="card cert-help"
      open={open}
      data-testid="certificate-help"
      onToggle={(e) => {
        const now = (e.currentTarget as HTMLDetailsElement).open;
        setOpen(now);
        if (!now) {
          try {
            window.localStorage.setItem(seenKey, '1');
          } catch {
            // Private windows may refuse storage: the help just opens again next time.
          }
        }
      }}
    >
      <summary>
        <strong>{title ?? 'Did your browser warn that this connection is not private?'}</strong>
      </summary>
      <p>
        That is expected on a first visit. The hub made its own certificate authority (CA) when it first started, and your browser does not know it yet. The connection is encrypted; what the warning asks is
        whether this really is your hub.
      </p>
      <ol>
        <li>
          Compare fingerprints. The hub printed its CA fingerprint when it started (terminal and <span className="mono">logs/outpost.log</span>); this page shows{' '}
          <span className="mono wrap" data-testid="cert-help-fingerprint">
            {fingerprint}
          </span>
          . Your browser shows the certificate from the warning page or the padlock (“Certificate is not valid”, then the issuer’s SHA-256 fingerprint). If they differ, stop: you are not talking to your hub.
        </li>
        <li>
          To stop the warning for good, trust the hub’s CA on this computer:{' '}
          {caUrl ? (
            <a href={caUrl} download="outpost-ca.crt" data-testid="ca-download">
              download the CA certificate
            </a>
          ) : (
            <span>
              get the CA certificate: after signing in, from the Hub page; before, from whoever runs the hub (<span className="mono">tls/ca.crt</span> in its data directory)
            </span>
          )}
          , then:
          <ul>
            <li>
              <strong>Linux</strong> (Debian, Ubuntu): <span className="mono">sudo cp outpost-ca.crt /usr/local/share/ca-certificates/ &amp;&amp; sudo update-ca-certificates</span>. Chromium and Firefox keep their own list:
              Settings → Privacy and security → Certificates (Chromium: Manage certificates → Authorities → Import; Firefox: View Certificates → Authorities → Import), tick “trust for websites”.
            </li>
            <li>
              <strong>Windows</strong>: double-click the file → Install Certificate → Current User → “Place all certificates in the following store” → Trusted Root Certification Authorities. Edge and Chrome use it at
              once; Firefox: Settings → Certificates → Import.
            </li>
            <li>
              <strong>macOS</strong>: double-click the file to add it to Keychain Access (login keychain), open it, Trust → “When using this certificate: Always Trust”. Safari and Chrome use it; Firefox: Settings →
              Certificates → Import.
            </li>
          </ul>
        </li>
        <li>Reload this page: the warning is gone. Trust only a CA whose fingerprint you compared.</li>
      </ol>
    </details>
  );
}
