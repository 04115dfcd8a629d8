import { constants } from 'node:crypto';
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

/**
 * The one TLS setup of every hub listener (MQTT, HTTPS ingest, Ubidots TCP,
 * organisation, console). Client-initiated renegotiation (TLS 1.2; 1.3 has
 * none) is refused by OpenSSL itself: each one costs the server a full
 * handshake, and node only counts them (tls.CLIENT_RENEG_LIMIT) and emits an
 * `error` that a listener may ignore, which left the Ubidots TCP listener
 * renegotiating without end. No device needs it.
 */
export function serverTlsOptions(material: TlsMaterial): TlsOptions & SecureContextOptions {
  return {
    cert: material.certPem,
    key: material.keyPem,
    minVersion: 'TLSv1.2',
    ciphers: tls12Ciphers,
    honorCipherOrder: true,
    secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
  };
}
