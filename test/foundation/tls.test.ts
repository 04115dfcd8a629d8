import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { connect, type PeerCertificate } from 'node:tls';
import { ensureTlsMaterial } from '../../src-main/security/tls/material';
import { startServe } from '../helpers/cli';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';
import { expectServeFailure } from './fixture';

const dayMs = 24 * 60 * 60 * 1000;

test('the server certificate names localhost, 127.0.0.1, ::1 and this host, and is issued by the hub CA', async () => {
  const dataDir = tempDir();
  const material = await ensureTlsMaterial({ dataDir, sealKey: randomBytes(32) });
  const cert = new X509Certificate(material.certPem);
  const ca = new X509Certificate(material.caCertPem);
  assert.equal(cert.checkHost('localhost'), 'localhost');
  assert.equal(cert.checkHost(hostname()), hostname());
  assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(cert.checkIP('::1'), '::1');
  assert.equal(cert.checkHost('example.com'), undefined, 'and not any name');
  assert.ok(cert.verify(ca.publicKey));
  assert.ok(ca.ca, 'the CA certificate is a CA');
  assert.ok(!cert.ca, 'the server certificate is not');
  assert.equal(readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8'), material.caCertPem);
});

test('the server certificate is renewed within 30 days of expiry, under the same CA', async () => {
  const dataDir = tempDir();
  const sealKey = randomBytes(32);
  const first = await ensureTlsMaterial({ dataDir, sealKey });
  const expires = first.notAfter.getTime();

  const early = await ensureTlsMaterial({ dataDir, sealKey, now: new Date(expires - 31 * dayMs) });
  assert.equal(early.certPem, first.certPem, '31 days before expiry the certificate is kept');
  assert.equal(early.keyPem, first.keyPem);

  const late = await ensureTlsMaterial({ dataDir, sealKey, now: new Date(expires - 29 * dayMs) });
  assert.notEqual(late.certPem, first.certPem, '29 days before expiry a new certificate is issued');
  assert.notEqual(late.keyPem, first.keyPem, 'with a new key');
  assert.equal(late.caCertPem, first.caCertPem, 'the CA stays: devices keep trusting the hub');
  assert.equal(late.caFingerprint, first.caFingerprint);
  assert.ok(new X509Certificate(late.certPem).verify(new X509Certificate(first.caCertPem).publicKey));
  assert.equal(readFileSync(join(dataDir, 'tls', 'server.crt'), 'utf8'), late.certPem, 'the renewal is stored');

  const reread = await ensureTlsMaterial({ dataDir, sealKey });
  assert.equal(reread.certPem, late.certPem);
  assert.equal(reread.keyPem, late.keyPem, 'the sealed key reads back');
});

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  openssl([
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '30',
    '-subj', `/CN=${name}.test`, '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert,
  ]);
  return { cert, key };
}

function peerCertificate(port: number, ca: string): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      resolve(socket.getPeerCertificate());
      socket.end();
    });
    socket.on('error', reject);
  });
}

test('a user-provided certificate is served by the console; a mismatched key is refused with TLS_INVALID', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  forgetKeychainEntryAfter(dataDir);
  const own = selfSigned(dir, 'own');
  const other = selfSigned(dir, 'other');

  const serve = await startServe(['--data-dir', dataDir, '--tls-cert', own.cert, '--tls-key', own.key]);
  try {
    const ownPem = readFileSync(own.cert, 'utf8');
    const peer = await peerCertificate(serve.ready.listeners.console!.port, ownPem);
    assert.equal(peer.fingerprint256, new X509Certificate(ownPem).fingerprint256, 'the console presents the provided certificate');
  } finally {
    assert.equal((await serve.stop()).code, 0);
  }

  const { error } = await expectServeFailure(['--data-dir', dataDir, '--tls-cert', own.cert, '--tls-key', other.key], 'TLS_INVALID', /matching/);
  assert.match(error.message, /does not belong to the certificate/);
});
