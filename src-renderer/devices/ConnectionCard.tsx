import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { caFileName, connectionQrText, connectionSnippets, type ConnectionSettings } from '../../src-shared/connection';
import { ErrorNote } from '../components/ErrorNote';
import { QrCode } from '../components/QrCode';
import { useApiQuery } from '../lib/query';

/** The address this console was reached at comes first: the device is probably on the same network. */
function orderedHosts(hosts: string[]): string[] {
  const here = window.location.hostname.replace(/^\[|\]$/g, '');
  const known = hosts.includes(here) ? [here] : [];
  return [...known, ...hosts.filter((h) => h !== here)];
}

function CopyButton({ text, what }: { text: string; what: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <>
      <button type="button" onClick={() => navigator.clipboard.writeText(text).then(() => setState('copied'), () => setState('failed'))} aria-label={`Copy ${what}`}>
        Copy
      </button>
      <span aria-live="polite" className="muted small">
        {state === 'copied' ? ' Copied.' : state === 'failed' ? ' The browser refused the clipboard: select the text and copy it by hand.' : ''}
      </span>
    </>
  );
}

/**
 * After a token is made: everything the device needs, filled in. The token
 * appears in the snippets because this card is shown together with the token,
 * once; nothing here is stored by the console. An ingest token writes for
 * several devices: its card gets a `labelField` to choose the label the
 * snippets name (devices/IngestTokens.tsx).
 */
export function ConnectionCard({ token, deviceLabel, heading, labelField }: { token: string; deviceLabel: string; heading?: string; labelField?: ReactNode }) {
  const info = useApiQuery('hub.connection', {});
  const hosts = useMemo(() => (info.state === 'ready' ? orderedHosts(info.value.hosts) : []), [info]);
  const [chosen, setChosen] = useState<string | null>(null);
  const caPem = info.state === 'ready' ? info.value.caPem : '';
  const caUrl = useMemo(() => URL.createObjectURL(new Blob([caPem], { type: 'application/x-pem-file' })), [caPem]);
  useEffect(() => () => URL.revokeObjectURL(caUrl), [caUrl]);
  if (info.state === 'loading') return <p className="muted">Loading the connection settings…</p>;
  if (info.state === 'error') return <ErrorNote error={info} title="Connection settings unavailable." />;
  const host = chosen ?? hosts[0] ?? 'localhost';
  const settings: ConnectionSettings = { host, ports: info.value.ports, token, deviceLabel, caFingerprint: info.value.caFingerprint };
  return (
    <section className="card connection" aria-labelledby="connection-title" data-testid="connection-card">
      <h2 id="connection-title">{heading ?? `Connect “${deviceLabel}”`}</h2>
      <div className="connection-facts">
        <dl>
          <dt>Hub address</dt>
          <dd>
            <select aria-label="Hub address" value={host} onChange={(e) => setChosen(e.target.value)}>
              {hosts.map((h) => (
                <option key={h}>{h}</option>
              ))}
            </select>
          </dd>
          <dt>MQTT over TLS</dt>
          <dd className="mono">{info.value.ports.mqtts ?? 'off'}</dd>
          <dt>HTTPS</dt>
          <dd className="mono">{info.value.ports.https ?? 'off'}</dd>
          {info.value.ports.mqtt !== undefined && (
            <>
              <dt>Plain MQTT (insecure)</dt>
              <dd className="mono">{info.value.ports.mqtt}</dd>
            </>
          )}
          <dt>Device label</dt>
          <dd className={labelField ? undefined : 'mono'}>{labelField ?? deviceLabel}</dd>
          <dt>CA certificate</dt>
          <dd>
            <a href={caUrl} download={caFileName} data-testid="ca-download">
              Download {caFileName}
            </a>
          </dd>
          <dt>CA fingerprint (SHA-256)</dt>
          <dd className="mono small wrap" data-testid="connection-fingerprint">
            {info.value.caFingerprint}
          </dd>
        </dl>
        <figure>
          <QrCode text={connectionQrText(settings)} label={`QR code with the connection settings of ${deviceLabel}`} />
          <figcaption className="muted small">The same settings, token included, for a phone or a commissioning tool.</figcaption>
        </figure>
      </div>
      {connectionSnippets(settings, info.value.caPem).map((s) => (
        <details key={s.id} className="snippet" open={s.id === 'mosquitto_pub'}>
          <summary>{s.title}</summary>
          <p className="muted small">{s.note}</p>
          {s.text && (
            <>
              <pre className="mono" data-testid={`snippet-${s.id}`}>
                {s.text}
              </pre>
              <CopyButton text={s.text} what={s.title} />
            </>
          )}
        </details>
      ))}
    </section>
  );
}
