import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { startHubChild, waitFor, type HubChild } from './helpers/hub-child';
import { assertCompleteInOrder, orgWithSite, syncSet } from './helpers/scenario';

const devices = ['boiler-1', 'boiler-2', 'pump-1', 'pump-2'];
const perPhase = 1250;

interface CommandLog {
  log: { side: string; siteId: string; commandId: string; device: string; outcome: string }[];
  /** The site's commands table: what the organisation's command became. */
  commands: { id: string; device: string; variable: string; value: number; status: string; requestedBy: string }[];
  /** Rows of the tamper-evident audit log (AAA) for sync commands. */
  audit: { actor: string; action: string; target: string; outcome: string }[];
}

test('site -> Outpost organisation hub: through an org restart, a kill -9 of each hub, the org holds exactly the site readings; commands reach the site only when allowed', async (t) => {
  const setup = await orgWithSite('outpost-sync-org-', 'plant2');
  const { orgDir, siteDir, siteKey, orgPort, token } = setup;
  let org: HubChild = setup.org;

  let site: HubChild = await startHubChild({ dataDir: siteDir, keyFile: siteKey });
  await syncSet(siteDir, ['--key-file', siteKey, '--url', `mqtts://127.0.0.1:${orgPort}`, '--site', 'plant2', '--username', 'plant2', '--ca', join(orgDir, 'tls', 'ca.crt')], token);
  const connected = await waitFor('connected', async () => {
    const s = await site.status();
    return s.state === 'connected' && s;
  }, 20_000);
  assert.equal(connected.mqttVersion, '3.1.1', 'the org listener speaks 3.1.1; the site fell back to it');

  await site.ingest(devices, 0, perPhase);
  await org.stop();
  await site.ingest(devices, perPhase, perPhase);
  org = await startHubChild({ dataDir: orgDir, orgPort });

  // The org is killed with -9 while batches are being stored and acknowledged.
  await site.ingest(devices, 2 * perPhase, perPhase);
  const before = (await site.status()).sentTotal;
  await waitFor('org receiving', async () => (await site.status()).sentTotal > before, 60_000, 10);
  await org.kill9();
  org = await startHubChild({ dataDir: orgDir, orgPort });

  // Then the site is killed with -9 mid-sync.
  const before2 = (await site.status()).sentTotal;
  await waitFor('site sending again', async () => (await site.status()).sentTotal > before2, 60_000, 10);
  await site.kill9();
  site = await startHubChild({ dataDir: siteDir, keyFile: siteKey });
  await site.ingest(devices, 3 * perPhase, perPhase);
  await waitFor('site backlog drained', async () => (await site.status()).backlog === 0, 90_000);

  const { rows } = await org.request<{ rows: { device: string; value: number }[] }>({ op: 'dump', prefix: 'plant2.' });
  t.diagnostic(`org holds ${rows.length} readings`);
  assert.equal(rows.length, devices.length * 4 * perPhase, 'the org holds exactly the site readings: none missing, none twice');
  assertCompleteInOrder(rows, devices.map((d) => `plant2.${d}`), 4 * perPhase);

  // Downlink: off by default, so the first command is refused (and logged on both sides).
  await org.request({ op: 'sendCommand', site: 'plant2', device: 'boiler-1', variable: 'setpoint', value: 21 });
  await waitFor('refusal logged', async () => (await site.request<CommandLog>({ op: 'commandLog' })).log.length === 1, 20_000);
  await syncSet(siteDir, ['--key-file', siteKey, '--allow-remote-commands']);
  await waitFor('applied and reconnected', async () => {
    const s = await site.status();
    return s.allowRemoteCommands && s.state === 'connected';
  }, 20_000);
  await org.request({ op: 'sendCommand', site: 'plant2', device: 'boiler-1', variable: 'setpoint', value: 22 });
  const siteLog = await waitFor('command queued', async () => {
    const l = await site.request<CommandLog>({ op: 'commandLog' });
    return l.log.length === 2 && l;
  }, 20_000);
  assert.deepEqual(siteLog.log.map((e) => e.outcome), ['refused', 'queued']);
  assert.deepEqual(siteLog.commands.map((c) => [c.device, c.variable, c.value, c.requestedBy]), [['boiler-1', 'setpoint', 22, 'org:test']], 'only the allowed command reached the device queue');
  const orgLog = await org.request<CommandLog>({ op: 'commandLog' });
  assert.deepEqual(orgLog.log.map((e) => [e.side, e.siteId, e.outcome]), [['org', 'plant2', 'sent'], ['org', 'plant2', 'sent']]);
  assert.deepEqual(siteLog.audit.map((e) => [e.actor, e.target, e.outcome]), [['sync:plant2', 'org:default/device:boiler-1', 'denied'], ['sync:plant2', 'org:default/device:boiler-1', 'ok']]);
  assert.deepEqual(orgLog.audit.map((e) => [e.actor, e.target, e.outcome]), [['test', 'site:plant2/org:default/device:boiler-1', 'ok'], ['test', 'site:plant2/org:default/device:boiler-1', 'ok']]);

  await site.stop();
  await org.stop();
});
