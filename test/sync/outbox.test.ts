import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { need } from '../../src-main/hub-context';
import { createCertificateAuthority } from '../../src-main/security/tls/certificates';
import { startTestHub } from '../helpers/hub';
import { httpsRequest } from '../helpers/https';

const internal = { kind: 'internal', orgId: 1, actor: 'test', canCreateDevices: true } as const;

test('the outbox takes the configured devices only, never readings received from sites, nothing while disabled; the password is sealed, not in the database', async () => {
  const hub = await startTestHub();
  const sync = need(hub.services, 'sync');
  const pipeline = need(hub.services, 'pipeline');
  const ca = await createCertificateAuthority('upstream test CA');
  const ingest = (deviceLabel: string, protocol: 'https' | 'sync', n: number) =>
    pipeline.ingest({ principal: internal, protocol, deviceLabel, dots: Array.from({ length: n }, (_, i) => ({ variable: 'v', value: i })), bytes: 0 });

  // The upstream port is closed: everything stays queued.
  const settings = await sync.configure({ url: 'mqtts://127.0.0.1:9', siteId: 'plant5', username: 'u', password: 'upstream-secret-42', caPem: ca.certPem, devices: ['kept'] });
  assert.equal(settings.hasPassword, true);
  assert.equal(settings.allowRemoteCommands, false, 'remote commands are off by default');
  await ingest('kept', 'https', 10);
  await ingest('other', 'https', 7);
  await ingest('plant9.kept', 'sync', 5);
  assert.equal(sync.current().backlog, 10, 'only the configured device, and no re-sent site readings');

  await sync.configure({ devices: null, forwardSynced: true });
  await ingest('other', 'https', 7);
  await ingest('plant9.kept', 'sync', 5);
  assert.equal(sync.current().backlog, 22);

  await sync.configure({ enabled: false });
  await ingest('kept', 'https', 3);
  const disabled = sync.current();
  assert.equal(disabled.backlog, 22, 'disabled: nothing new is queued, the backlog is kept');
  assert.equal(disabled.state, 'disabled');

  // Deleting a device deletes its unsent readings with it (no orphan outbox rows).
  hub.db.prepare("DELETE FROM devices WHERE label = 'other'").run();
  assert.equal(sync.current().backlog, 15);

  // The hub runs on a key file: the password is sealed under the master key, and not in the database in clear.
  const sealed = join(hub.config.dataDir, 'sync-credentials.sealed');
  assert.ok(existsSync(sealed));
  assert.ok(!readFileSync(sealed, 'utf8').includes('upstream-secret-42'));
  const stored = hub.db.prepare("SELECT value FROM settings WHERE key = 'sync'").pluck().get() as string;
  assert.ok(!stored.includes('upstream-secret-42'));
});

test('console API: sync.status and sync.configure over HTTPS, refusing bad input with the field named', async () => {
  const hub = await startTestHub();
  const port = hub.listeners.console!.port;
  const call = (method: string, body: unknown) =>
    httpsRequest(`https://127.0.0.1:${port}/api/rpc/${method}`, { ca: hub.tls.caCertPem, method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const status = await call('sync.status', {});
  assert.equal(status.status, 200, status.body);
  assert.equal((JSON.parse(status.body) as { result: { state: string } }).result.state, 'unconfigured');
  const bad = await call('sync.configure', { url: 'http://example.org', siteId: 'Bad Site' });
  assert.equal(bad.status, 400);
  assert.match(bad.body, /url: the upstream URL must look like mqtts:\/\/host:port/);
  assert.match(bad.body, /siteId: a site id is 1-32 lowercase/);
  assert.equal(hub.registry.contract['sync.configure'].permission, 'settings:admin');
  assert.equal(hub.registry.contract['sync.status'].permission, 'sync:read');
});
