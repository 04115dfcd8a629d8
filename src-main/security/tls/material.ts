import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { HubError, errorMessage } from '../../errors';
import { createCertificateAuthority, fingerprintSha256, issueServerCertificate, type SubjectNames } from './certificates';
import { readSealedFile, writeSealedFile } from './sealed-file';

export interface TlsMaterial {
  caCertPem: string;
  certPem: string;
  keyPem: string;
  /** Where the server certificate came from. */
  source: 'generated' | 'provided';
  caFingerprint: string;
  notAfter: Date;
}

export interface TlsMaterialOptions {
  dataDir: string;
  /** Key that seals private keys at rest (derived from the master key). */
  sealKey: Buffer;
  provided?: { certFile: string; keyFile: string } | undefined;
  now?: Date;
  /** Force a new server certificate even if the current one is fine. */
  renew?: boolean;
}

const renewBeforeMs = 30 * 24 * 60 * 60 * 1000;

export function tlsDir(dataDir: string): string {
  return join(dataDir, 'tls');
}

const files = (dataDir: string) => ({
  caCert: join(tlsDir(dataDir), 'ca.crt'),
  caKey: join(tlsDir(dataDir), 'ca.key.sealed'),
  cert: join(tlsDir(dataDir), 'server.crt'),
  key: join(tlsDir(dataDir), 'server.key.sealed'),
});

/** The names a device on this machine or the LAN may use to reach the hub. */
export function currentSubjectNames(): SubjectNames {
  const dns = ['localhost'];
  const host = hostname();
  if (host && host !== 'localhost') dns.push(host);
  const ips = new Set(['127.0.0.1', '::1']);
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) {
      // Link-local IPv6 addresses carry a zone and cannot be named in a certificate.
      if (!a.internal && !(a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80'))) ips.add(a.address);
    }
  }
  return { dns, ips: [...ips] };
}

function certificateCovers(cert: X509Certificate, names: SubjectNames): boolean {
  const san = cert.subjectAltName ?? '';
  return names.dns.every((d) => san.includes(`DNS:${d}`)) && names.ips.every((ip) => cert.checkIP(ip) !== undefined);
}

/**
 * Loads the hub's TLS material, creating the CA and server certificate on
 * first run and renewing the server certificate when it nears expiry or the
 * machine gained a name or address it does not cover.
 */
export async function ensureTlsMaterial(options: TlsMaterialOptions): Promise<TlsMaterial> {
  const caLabel = 'tls/ca.key';
  const serverLabel = 'tls/server.key';
  const f = files(options.dataDir);
  const now = options.now ?? new Date();
  mkdirSync(tlsDir(options.dataDir), { recursive: true, mode: 0o700 });

  let ca: { certPem: string; keyPem: string };
  try {
    if (existsSync(f.caCert) && existsSync(f.caKey)) {
      ca = { certPem: readFileSync(f.caCert, 'utf8'), keyPem: readSealedFile(f.caKey, options.sealKey, caLabel).toString('utf8') };
    } else {
      ca = await createCertificateAuthority(`Outpost hub CA ${hostname()}`);
      writeSealedFile(f.caKey, Buffer.from(ca.keyPem), options.sealKey, caLabel);
      writeAtomic(f.caCert, ca.certPem);
    }
  } catch (err) {
    throw new HubError(
      'TLS_INVALID',
      `The hub's certificate authority in ${tlsDir(options.dataDir)} cannot be read: ${errorMessage(err)}.`,
      'Restore the tls folder from a backup. Deleting it makes a new CA, and every device must then trust the new CA certificate.',
      { cause: err },
    );
  }
  const caFingerprint = fingerprintSha256(ca.certPem);

  if (options.provided) return loadProvided(options.provided, ca.certPem, caFingerprint);

  const names = currentSubjectNames();
  const caX509 = new X509Certificate(ca.certPem);
  let server: { certPem: string; keyPem: string } | null = null;
  if (!options.renew && existsSync(f.cert) && existsSync(f.key)) {
    try {
      const certPem = readFileSync(f.cert, 'utf8');
      const cert = new X509Certificate(certPem);
      const fresh = new Date(cert.validTo).getTime() - now.getTime() > renewBeforeMs;
      if (fresh && cert.verify(caX509.publicKey) && certificateCovers(cert, names)) {
        server = { certPem, keyPem: readSealedFile(f.key, options.sealKey, serverLabel).toString('utf8') };
      }
    } catch {
      server = null; // unreadable or foreign: issue a new one below
    }
  }
  if (!server) {
    server = await issueServerCertificate(ca, names);
    writeSealedFile(f.key, Buffer.from(server.keyPem), options.sealKey, serverLabel);
    writeAtomic(f.cert, server.certPem);
  }
  return {
    caCertPem: ca.certPem,
    certPem: server.certPem,
    keyPem: server.keyPem,
    source: 'generated',
    caFingerprint,
    notAfter: new Date(new X509Certificate(server.certPem).validTo),
  };
}

function loadProvided(provided: { certFile: string; keyFile: string }, caCertPem: string, caFingerprint: string): TlsMaterial {
  try {
    const certPem = readFileSync(provided.certFile, 'utf8');
    const keyPem = readFileSync(provided.keyFile, 'utf8');
    const cert = new X509Certificate(certPem);
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) throw new Error('the private key does not belong to the certificate');
    const notAfter = new Date(cert.validTo);
    if (notAfter.getTime() < Date.now()) throw new Error(`the certificate expired on ${notAfter.toISOString()}`);
    return { caCertPem, certPem, keyPem, source: 'provided', caFingerprint, notAfter };
  } catch (err) {
    throw new HubError(
      'TLS_INVALID',
      `The TLS certificate ${provided.certFile} / key ${provided.keyFile} cannot be used: ${errorMessage(err)}.`,
      'Give a PEM certificate (with its chain) and the matching unencrypted PEM private key, or remove the tls setting to use the hub\'s own CA.',
      { cause: err },
    );
  }
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, file);
}
