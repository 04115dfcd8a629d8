import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createCertificateAuthority } from '../../src-main/security/tls/certificates';
import { startTestHub } from '../helpers/hub';
import { createUser } from '../../src-main/access/users';
import { cliCaller } from '../access/helpers';
import { rpc } from '../access/helpers';

const internal = { kind: 'internal', orgId: 1, actor: 'test', canCreateDevices: true } as const;

test('the outbox takes the configured devices only, never readings received from sites, nothing while disabled; the password is sealed, not in the database', async () => {
  const hub = await startTestHub();
  const sync = hub.services.sync;
  const pipeline = hub.services.pipeline;
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

test('console API: sync.status and sync.configure over HTTPS, for the hub owner only (not an organisation admin), refusing bad input with the field named', async () => {
  const hub = await startTestHub();
  const base = { url: `https://127.0.0.1:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
  const password = 'sync admin passphrase 1234';
  const cli = cliCaller(1);
  const aaa = hub.services.access;
  // The first owner of the hub's first organisation owns the hub (hub:admin).
  await createUser(aaa, cli, { email: 'owner@example.com', role: 'owner', password });
  await createUser(aaa, cli, { email: 'orgadmin@example.com', role: 'admin', password });
  await createUser(aaa, cli, { email: 'reader@example.com', role: 'reader', password });
  const login = async (email: string) => ((await rpc(base, 'auth.login', { email, password })).body.result as { token: string }).token;
  const admin = await login('owner@example.com');
  const orgAdmin = await login('orgadmin@example.com');
  const reader = await login('reader@example.com');

  assert.equal((await rpc(base, 'sync.status', {})).status, 401, 'no anonymous access');
  assert.equal((await rpc(base, 'sync.status', {}, reader)).status, 403, 'not for a reader');
  assert.equal((await rpc(base, 'sync.status', {}, orgAdmin)).status, 403, 'not for an organisation admin: the upstream is hub-wide');
  assert.equal((await rpc(base, 'sync.configure', { enabled: false }, orgAdmin)).status, 403);
  const status = await rpc(base, 'sync.status', {}, admin);
  assert.equal(status.status, 200, JSON.stringify(status.body));
  assert.equal((status.body.result as { state: string }).state, 'unconfigured');
  const bad = await rpc(base, 'sync.configure', { url: 'http://example.org', siteId: 'Bad Site' }, admin);
  assert.equal(bad.status, 400);
  assert.match(bad.body.message ?? '', /url: the upstream URL must look like mqtts:\/\/host:port/);
  assert.match(bad.body.message ?? '', /siteId: a site id is 1-32 lowercase/);
  const incomplete = await rpc(base, 'sync.configure', { enabled: true }, admin);
  assert.equal(incomplete.status, 400);
  assert.equal(incomplete.body.code, 'SYNC_SETTINGS_INCOMPLETE');
  assert.equal((await rpc(base, 'sync.configure', { enabled: true }, reader)).status, 403);
});
