import { X509Certificate, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { hubConfigSchema } from '../../../src-shared/config';
import { errorMessage, isHubError } from '../../errors';
import { databasePath } from '../../lifecycle/data-dir';
import { closeServer, listen } from '../../lifecycle/listen';
import { deriveKey } from '../../security/derive';
import { readIdentity } from '../../security/hub-identity';
import { resolveMasterKey } from '../../security/master-key';
import { OsKeychain } from '../../security/secret-store';
import { currentSubjectNames, tlsDir } from '../../security/tls/material';
import { mapOpenError, openDatabase } from '../../store/database';
import { latestVersion, schemaVersion } from '../../store/migrations';
import { commonOptions, dataDirOf, parse } from '../args';
import { createOutput } from '../output';

export const doctorHelp = `outpost doctor [--data-dir DIR] [--key-file FILE] [--json]
  Checks the keychain, the master key, the database, the certificates and the ports,
  and says what is wrong and how to fix it. Exits non-zero when something is wrong.`;

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export async function doctor(argv: string[]): Promise<number> {
  const { values } = parse(argv, commonOptions);
  const out = createOutput(values.json);
  if (values.help) {
    out.line(doctorHelp);
    return 0;
  }
  const dataDir = dataDirOf(values);
  const keyFile = values['key-file'];
  const checks: Check[] = [];
  const add = (c: Check) => {
    checks.push(c);
    out.event('check', { ...c }, `${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}${c.fix ? `\n        fix: ${c.fix}` : ''}`);
  };
  const fromError = (name: string, err: unknown): Check =>
    isHubError(err) ? { name, ok: false, detail: err.message, fix: err.hint } : { name, ok: false, detail: errorMessage(err) };

  if (!existsSync(dataDir)) {
    add({ name: 'data directory', ok: false, detail: `${dataDir} does not exist.`, fix: `Start the hub once: outpost serve --data-dir ${dataDir}` });
    return summary(out, checks);
  }
  add({ name: 'data directory', ok: true, detail: dataDir });

  if (!keyFile) {
    const keychain = new OsKeychain();
    const probe = `doctor-probe-${randomBytes(4).toString('hex')}`;
    try {
      await keychain.set(probe, 'probe');
      const back = await keychain.get(probe);
      await keychain.delete(probe);
      add(back === 'probe' ? { name: 'keychain', ok: true, detail: 'the OS keychain can store and return secrets' } : { name: 'keychain', ok: false, detail: 'the OS keychain accepts secrets but does not return them' });
    } catch (err) {
      add(fromError('keychain', err));
    }
  }

  const identity = (() => {
    try {
      return readIdentity(dataDir);
    } catch (err) {
      add(fromError('hub identity', err));
      return undefined;
    }
  })();
  if (identity === null) {
    add({ name: 'master key', ok: false, detail: 'this data directory has not been initialised.', fix: `Start the hub once: outpost serve --data-dir ${dataDir}` });
  } else if (identity) {
    try {
      const { key } = await resolveMasterKey({ dataDir, keyFile, secretStore: new OsKeychain() });
      add({ name: 'master key', ok: true, detail: `found in ${identity.keySource === 'keychain' ? 'the OS keychain' : 'the key file'}, and it fits this data directory` });
      try {
        const db = openDatabase({ file: databasePath(dataDir), key: deriveKey(key, identity.hubId, 'database'), readonly: true });
        try {
          const version = schemaVersion(db);
          const problems = (db.pragma('integrity_check(20)') as { integrity_check: string }[]).map((r) => r.integrity_check).filter((r) => r !== 'ok');
          if (version > latestVersion) {
            add({ name: 'database', ok: false, detail: `schema ${version} was written by a newer Outpost (this one knows ${latestVersion}).`, fix: 'Install the newer Outpost again.' });
          } else if (problems.length > 0) {
            add({ name: 'database', ok: false, detail: `integrity check failed: ${problems.join('\n').split('\n').slice(0, 3).join('; ')}`, fix: 'Stop the hub and restore outpost.db from a backup.' });
          } else {
            add({ name: 'database', ok: true, detail: `encrypted, readable, schema ${version}${version < latestVersion ? ` (will be migrated to ${latestVersion} on start)` : ''}, integrity ok` });
          }
        } finally {
          db.close();
        }
      } catch (err) {
        // A damaged page throws from integrity_check itself, not only from the open.
        add(fromError('database', mapOpenError(err, databasePath(dataDir))));
      }
    } catch (err) {
      add(fromError('master key', err));
    }
  }

  checkCertificates(dataDir, add);
  await checkPorts(dataDir, add);
  return summary(out, checks);
}

function checkCertificates(dataDir: string, add: (c: Check) => void): void {
  const certFile = join(tlsDir(dataDir), 'server.crt');
  const caFile = join(tlsDir(dataDir), 'ca.crt');
  if (!existsSync(certFile) || !existsSync(caFile)) {
    add({ name: 'certificates', ok: false, detail: 'no certificates yet.', fix: 'Start the hub once; it creates its CA and server certificate.' });
    return;
  }
  try {
    const cert = new X509Certificate(readFileSync(certFile));
    const ca = new X509Certificate(readFileSync(caFile));
    const daysLeft = Math.floor((new Date(cert.validTo).getTime() - Date.now()) / 86_400_000);
    const names = currentSubjectNames();
    const missing = [...names.dns.filter((d) => !(cert.subjectAltName ?? '').includes(`DNS:${d}`)), ...names.ips.filter((ip) => cert.checkIP(ip) === undefined)];
    if (!cert.verify(ca.publicKey)) add({ name: 'certificates', ok: false, detail: 'the server certificate was not issued by the hub CA.', fix: 'Restart the hub; it issues a new one.' });
    else if (daysLeft < 30) add({ name: 'certificates', ok: false, detail: `the server certificate expires in ${daysLeft} days.`, fix: 'Restart the hub; it renews the certificate.' });
    else add({ name: 'certificates', ok: true, detail: `CA ${ca.fingerprint256}; server certificate valid ${daysLeft} more days${missing.length ? `; will be reissued on start to cover ${missing.join(', ')}` : ''}` });
  } catch (err) {
    add({ name: 'certificates', ok: false, detail: errorMessage(err), fix: 'Restore the tls folder from a backup.' });
  }
}

async function checkPorts(dataDir: string, add: (c: Check) => void): Promise<void> {
  const lock = join(dataDir, 'serve.lock');
  if (existsSync(lock)) {
    const pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (alive) {
      add({ name: 'ports', ok: true, detail: `a hub (process ${pid}) is serving this data directory` });
      return;
    }
  }
  const defaults = hubConfigSchema.parse({ dataDir });
  const wanted: [string, string, number | null][] = [
    ['console', defaults.consoleHost, defaults.ports.console],
    ['https', defaults.host, defaults.ports.https],
    ['mqtts', defaults.host, defaults.ports.mqtts],
  ];
  for (const [name, host, port] of wanted) {
    if (port === null) continue;
    const server = createServer();
    try {
      await listen(server, name, host, port, `--${name}-port`);
      add({ name: `port ${port} (${name})`, ok: true, detail: 'free' });
    } catch (err) {
      add(fromErrorCheck(`port ${port} (${name})`, err));
    } finally {
      await closeServer(server);
    }
  }
}

function fromErrorCheck(name: string, err: unknown): Check {
  return isHubError(err) ? { name, ok: false, detail: err.message, fix: err.hint } : { name, ok: false, detail: errorMessage(err) };
}

function summary(out: ReturnType<typeof createOutput>, checks: Check[]): number {
  const failed = checks.filter((c) => !c.ok).length;
  out.event('summary', { ok: failed === 0, failed }, failed === 0 ? 'All checks passed.' : `${failed} check(s) failed.`);
  return failed === 0 ? 0 : 1;
}
