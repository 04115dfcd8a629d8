import { CertificateHelp } from '../components/CertificateHelp';
import { useApiQuery } from '../lib/query';

/** On the Hub page: the same help, with the CA certificate to download (signed-in callers only). */
export function HubCertificate() {
  const ca = useApiQuery('hub.ca', {});
  if (ca.state !== 'ready') return null;
  return <CertificateHelp fingerprint={ca.value.caFingerprint} caPem={ca.value.caPem} title="Trust this hub’s certificate in your browser" />;
}
