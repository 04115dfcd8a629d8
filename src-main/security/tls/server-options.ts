import type { SecureContextOptions, TlsOptions } from 'node:tls';
import type { TlsMaterial } from './material';

/**
 * TLS 1.2 and 1.3 only, forward-secret AEAD suites only (Mozilla "intermediate"
 * minus CBC), server order preferred.
 */
export const tls12Ciphers = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export function serverTlsOptions(material: TlsMaterial): TlsOptions & SecureContextOptions {
  return {
    cert: material.certPem,
    key: material.keyPem,
    minVersion: 'TLSv1.2',
    ciphers: tls12Ciphers,
    honorCipherOrder: true,
  };
}
