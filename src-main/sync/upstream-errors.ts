import { errorCode, errorMessage } from '../errors';

export interface SyncError {
  code: string;
  message: string;
  hint: string;
}

const tlsCodes = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
]);

/** Turns what the MQTT client reports into something an operator can act on. */
export function classifyUpstreamError(err: unknown, url: string): SyncError {
  const code = errorCode(err);
  const message = errorMessage(err);
  const reason = (err as { code?: unknown }).code;
  if (code && tlsCodes.has(code)) {
    return {
      code: 'UPSTREAM_TLS',
      message: `The upstream ${url} presented a certificate that the configured CA does not vouch for (${code}).`,
      hint: 'Give the CA certificate that signed the upstream broker\'s certificate: outpost sync set --ca FILE. Check that the host name in the URL is in the certificate.',
    };
  }
  // CONNACK 4 / 5 (MQTT 3.1.1 3.2.2.3) and 0x86 / 0x87 (MQTT 5 3.2.2.2).
  if (reason === 4 || reason === 5 || reason === 134 || reason === 135 || /not authori[sz]ed|bad user name or password/i.test(message)) {
    return {
      code: 'UPSTREAM_AUTH',
      message: `The upstream ${url} refused the site's user name or password (${message}).`,
      hint: 'Set the credentials the organisation gave this site: outpost sync set --username U --password-stdin',
    };
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ETIMEDOUT' || code === 'ECONNRESET') {
    return {
      code: 'UPSTREAM_UNREACHABLE',
      message: `The upstream ${url} cannot be reached (${code}).`,
      hint: 'Readings are kept and sent when it is back. Check the network and the URL if this lasts.',
    };
  }
  return { code: 'UPSTREAM_ERROR', message: `The upstream ${url} failed: ${message}.`, hint: 'Readings are kept and sent again; the hub log has details.' };
}

/** A PUBACK with a failure reason (MQTT 5 3.4.2.1): the upstream did not take the batch. */
export function publishRefused(topic: string, err: unknown): SyncError {
  return {
    code: 'UPSTREAM_REFUSED',
    message: `The upstream refused readings published to ${topic} (${errorMessage(err)}).`,
    hint: 'Allow this site to publish to that topic in the upstream broker\'s ACL (README, "Sync to an organisation"), or correct the site id: outpost sync set --site ID. Readings are kept.',
  };
}
