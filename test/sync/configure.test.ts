import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Hub } from '../../src-main/hub';
import { deriveKey } from '../../src-main/security/derive';
import { OsKeychain } from '../../src-main/security/secret-store';
import { createCertificateAuthority } from '../../src-main/security/tls/certificates';
import { configureSync } from '../../src-main/sync/configure';
import { loadSyncPassword, type CredentialPlace } from '../../src-main/sync/credentials';
import { loadSyncSettings } from '../../src-main/sync/settings';
import { ServiceError } from '../../src-main/errors';
import { openSecondConnection, startTestHub, testHubMasterKey } from '../helpers/hub';

const internal = { kind: 'internal', orgId: 1, actor: 'test', canCreateDevices: true } as const;
// Nothing listens there: everything stays queued, which is what these tests count.
const closedPort = 'mqtts://127.0.0.1:9';

function ingester(hub: Hub) {
  const pipeline = hub.services.pipeline;
  return (deviceLabel: string, n: number) => pipeline.ingest({ principal: internal, protocol: 'https', deviceLabel, dots: Array.from({ length: n }, (_, i) => ({ variable: 'v', value: i })), bytes: 0 });
}

function credentialPlace(hub: Hub): CredentialPlace {
  return { dataDir: hub.config.dataDir, identity: hub.identity, secretStore: new OsKeychain(), sealKey: () => deriveKey(testHubMasterKey(hub), hub.identity.hubId, 'sync-credentials') };
}

const refusedWith = (code: string, message: RegExp) => (err: unknown) => err instanceof ServiceError && err.code === code && message.test(err.message);

test('a new upstream URL or CA needs the password again; the stored password is bound to the upstream it was given for', async () => {
  const hub = await startTestHub();
  const sync = hub.services.sync;
  const ca = await createCertificateAuthority('upstream A CA');
  const otherCa = await createCertificateAuthority('upstream B CA');
  await sync.configure({ url: closedPort, siteId: 'plant5', username: 'u', password: 'first-secret', caPem: ca.certPem });

  await assert.rejects(sync.configure({ url: 'mqtts://127.0.0.1:10' }), refusedWith('SYNC_PASSWORD_REQUIRED', /--password-stdin/));
  await assert.rejects(sync.configure({ caPem: otherCa.certPem }), refusedWith('SYNC_PASSWORD_REQUIRED', /never sent to another upstream/));
  assert.equal(loadSyncSettings(hub.db)!.url, closedPort, 'a refused change changes nothing');
  await sync.configure({ caPem: `${ca.certPem}\n`, siteId: 'plant6' }); // the same CA again is no change of upstream

  const place = credentialPlace(hub);
  assert.deepEqual(await loadSyncPassword(place, { url: closedPort, caPem: ca.certPem }), { kind: 'ok', password: 'first-secret' });
  assert.deepEqual(await loadSyncPassword(place, { url: 'mqtts://127.0.0.1:10', caPem: ca.certPem }), { kind: 'other-upstream' }, 'not for another URL');
  assert.deepEqual(await loadSyncPassword(place, { url: closedPort, caPem: otherCa.certPem }), { kind: 'other-upstream' }, 'not for another CA');

  const moved = await sync.configure({ url: 'mqtts://127.0.0.1:10', caPem: otherCa.certPem, password: 'second-secret' });
  assert.equal(moved.hasPassword, true);
  assert.deepEqual(await loadSyncPassword(place, { url: 'mqtts://127.0.0.1:10', caPem: otherCa.certPem }), { kind: 'ok', password: 'second-secret' });
  assert.deepEqual(await loadSyncPassword(place, { url: closedPort, caPem: ca.certPem }), { kind: 'other-upstream' }, 'the old upstream does not get the new password either');
});

test('readings committed right after another process switches sync on are queued, before the hub has noticed the change', async () => {
  const hub = await startTestHub();
  const sync = hub.services.sync;
  const ingest = ingester(hub);
  const ca = await createCertificateAuthority('upstream CA');
  await sync.configure({ url: closedPort, siteId: 'plant7', username: 'u', password: 'secret', caPem: ca.certPem, enabled: false });
  const other = openSecondConnection(hub, { readonly: false });
  const place = credentialPlace(hub);
  for (let round = 0; round < 20; round++) {
    await configureSync(other, place, { enabled: true });
    // No await between the two: the hub's settings watcher has had no chance to run.
    await ingest('meter', 3);
    await configureSync(other, place, { enabled: false });
    await ingest('meter', 2); // off: not queued
  }
  assert.equal(sync.current().backlog, 20 * 3, 'every reading committed while sync was on is queued, none committed while off');
});

test('switching sync on says whether earlier readings are included: --from-now by default, --include-history queues those stored while it was off', async () => {
  const hub = await startTestHub();
  const sync = hub.services.sync;
  const ingest = ingester(hub);
  const ca = await createCertificateAuthority('upstream CA');
  const base = { url: closedPort, siteId: 'plant8', username: 'u', password: 'secret', caPem: ca.certPem };
  await ingest('meter', 10);

  const first = await sync.configure(base);
  assert.deepEqual([first.coverage.history, first.historyQueued], ['from-now', 0]);
  assert.ok(first.coverage.since !== null);
  assert.equal(sync.current().backlog, 0, 'from now: the 10 earlier readings are not sent');
  assert.deepEqual(sync.current().coverage, first.coverage);
  await ingest('meter', 4);
  assert.equal(sync.current().backlog, 4);

  await assert.rejects(sync.configure({ history: 'include' }), refusedWith('SYNC_HISTORY_NOT_APPLICABLE', /already on/));
  await sync.configure({ enabled: false });
  assert.deepEqual(sync.current().coverage, { since: null, history: null });
  await ingest('meter', 5);
  await ingest('other', 2);
  await assert.rejects(sync.configure({ history: 'include' }), refusedWith('SYNC_HISTORY_NOT_APPLICABLE', /add --enable/));
  const on = await sync.configure({ enabled: true, history: 'include', devices: ['meter'] });
  assert.deepEqual([on.coverage.history, on.historyQueued], ['included', 5], 'the readings of the synced devices stored while off, not those of before the first switch-on');
  assert.equal(sync.current().backlog, 4 + 5);

  // A hub configured for the first time with --include-history sends everything it holds.
  const hub2 = await startTestHub();
  const ingest2 = ingester(hub2);
  await ingest2('meter', 6);
  const all = await hub2.services.sync.configure({ ...base, history: 'include' });
  assert.deepEqual([all.coverage.history, all.historyQueued], ['included', 6]);
  assert.equal(hub2.services.sync.current().backlog, 6);
});
