import { useApiQuery } from '../lib/query';
import { useSession } from '../lib/session';
import { HubCounters } from './HubCounters';
import { HubCertificate } from './HubCertificate';
import { BackupPanel } from './BackupPanel';
import { RetentionPanel } from './RetentionPanel';
import { ResidencyPanel } from './ResidencyPanel';
import { BackupSchedulePanel } from './BackupSchedulePanel';

/** Before sign-in: only the CA fingerprint, to check the certificate the browser was shown. */
export function PublicStatusView() {
  const info = useApiQuery('hub.info', {});
  return (
    <section aria-labelledby="hub-title">
      <h1 id="hub-title">Hub</h1>
      {info.state === 'ready' ? (
        <dl className="facts">
          <dt>CA fingerprint (SHA-256)</dt>
          <dd className="mono" data-testid="ca-fingerprint">
            {info.value.caFingerprint}
          </dd>
        </dl>
      ) : (
        <p className="muted">{info.state === 'loading' ? 'Connecting to the hub…' : `The hub did not answer: ${info.message}`}</p>
      )}
      <p className="muted">Compare this with the fingerprint your browser shows for the site’s certificate (click the padlock). Sign in to see the hub’s listeners and settings.</p>
    </section>
  );
}

export function StatusView() {
  const session = useSession();
  const status = useApiQuery('hub.status', {}, { refreshMs: 5000 });
  if (status.state === 'loading') return <p className="muted">Connecting to the hub…</p>;
  if (status.state === 'error') {
    return (
      <div className="error" role="alert">
        <strong>The hub did not answer ({status.code}).</strong> {status.message}
      </div>
    );
  }
  const s = status.value;
  return (
    <section aria-labelledby="hub-title">
      <h1 id="hub-title">Hub</h1>
      <dl className="facts">
        <dt>Hub id</dt>
        <dd data-testid="hub-id">{s.hubId}</dd>
        <dt>Version</dt>
        <dd>{s.version}</dd>
        <dt>Running since</dt>
        <dd>{new Date(s.startedAt).toLocaleString()}</dd>
        <dt>Database schema</dt>
        <dd>{s.schemaVersion}</dd>
        <dt>CA fingerprint (SHA-256)</dt>
        <dd className="mono" data-testid="ca-fingerprint">
          {s.tls.caFingerprint}
        </dd>
        <dt>Certificate valid until</dt>
        <dd>{new Date(s.tls.notAfter).toLocaleDateString()}</dd>
        <dt>Data residency</dt>
        <dd data-testid="residency">{s.residency ?? 'not set'}</dd>
      </dl>
      <HubCertificate />
      <h2>Listeners</h2>
      <table className="grid">
        <thead>
          <tr>
            <th>Listener</th>
            <th>Address</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(s.listeners).map(([name, a]) => (
            <tr key={name}>
              <td>{name}</td>
              <td className="mono">
                {a.host}:{a.port}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {session.can('devices:read') && <HubCounters />}
      {s.insecure.length > 0 && (
        <div className="warning" role="alert">
          Insecure settings are on: {s.insecure.join(', ')}.
        </div>
      )}
      <BackupPanel />
      <BackupSchedulePanel />
      <ResidencyPanel />
      <RetentionPanel />
    </section>
  );
}
