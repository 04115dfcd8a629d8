import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';
import { startHubChild, waitFor, type HubChild } from './helpers/hub-child';
import { syncSet } from './helpers/scenario';

interface Dump {
  rows: { device: string; value: number }[];
}

interface SiteCommands {
  commands: { orgId: number; device: string; variable: string; value: number; requestedBy: string }[];
  log: { org: string | null; device: string; outcome: string }[];
}

async function valuesByDevice(org: HubChild): Promise<Record<string, number[]>> {
  const { rows } = await org.request<Dump>({ op: 'dump', prefix: 'plant2' });
  const out: Record<string, number[]> = {};
  for (const r of rows) (out[r.device] ??= []).push(r.value);
  return out;
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

/** An organisation hub that accepts site "plant2", and the site hub (on a key file); `beforeSync` runs on the site before sync is set. */
async function orgAndSite(prefix: string, syncArgs: string[], beforeSync: (site: HubChild) => Promise<void> = async () => undefined) {
  const dir = tempDir(prefix);
  const orgDir = join(dir, 'org');
  const siteDir = join(dir, 'site');
  const siteKey = join(dir, 'site.key');
  forgetKeychainEntryAfter(orgDir);
  const org = await startHubChild({ dataDir: orgDir, orgPort: 0 });
  const added = await runCli(['site', 'add', 'plant2', '--data-dir', orgDir, '--json']);
  assert.equal(added.code, 0, added.stderr);
  const { token } = JSON.parse(added.stdout) as { token: string };
  const site = await startHubChild({ dataDir: siteDir, keyFile: siteKey });
  await beforeSync(site);
  await syncSet(siteDir, ['--key-file', siteKey, '--url', `mqtts://127.0.0.1:${org.orgPort}`, '--site', 'plant2', '--username', 'plant2', '--ca', join(orgDir, 'tls', 'ca.crt'), ...syncArgs], token);
  return { org, site, siteDir, siteKey };
}

test('two organisations of a site, each with a device "boiler-1": two devices on the organisation hub, and a command for one reaches that one only', { timeout: 240_000 }, async () => {
  let orgB = 0;
  const { org, site } = await orgAndSite('outpost-sync-orgs-', ['--allow-remote-commands'], async (s) => {
    ({ id: orgB } = await s.request<{ id: number }>({ op: 'addOrg', slug: 'orgb' }));
  });
  await waitFor('connected', async () => (await site.status()).state === 'connected', 20_000);

  await site.ingest(['boiler-1'], 0, 10);
  await site.request({ op: 'ingest', devices: ['boiler-1'], from: 100, count: 10, baseTs: 1_750_000_000_000, orgId: orgB });
  await waitFor('sent', async () => (await site.status()).backlog === 0, 30_000);
  const held = await waitFor('stored upstream', async () => {
    const v = await valuesByDevice(org);
    return Object.values(v).flat().length === 20 && v;
  }, 20_000);
  assert.deepEqual(held, { 'plant2.boiler-1': range(0, 10), 'plant2:orgb:boiler-1': range(100, 10) });

  // Addressed by the organisation hub's device, and by (site, organisation, label).
  await org.request({ op: 'sendDeviceCommand', orgDevice: 'plant2:orgb:boiler-1', variable: 'setpoint', value: 42 });
  await org.request({ op: 'sendCommand', site: 'plant2', org: 'default', device: 'boiler-1', variable: 'setpoint', value: 7 });
  const got = await waitFor('commands queued on the site', async () => {
    const l = await site.request<SiteCommands>({ op: 'commandLog' });
    return l.commands.length === 2 && l;
  }, 20_000);
  assert.deepEqual(
    got.commands.map((c) => [c.orgId, c.device, c.value]),
    [
      [orgB, 'boiler-1', 42],
      [1, 'boiler-1', 7],
    ],
    "org B's command reached org B's boiler-1, the first organisation's reached its own",
  );
  assert.deepEqual(got.log.map((e) => [e.org, e.device, e.outcome]), [['orgb', 'boiler-1', 'queued'], ['default', 'boiler-1', 'queued']]);

  await site.stop();
  await org.stop();
});

test('a reading the organisation refuses is set aside as a dead letter with its reason, the readings after it arrive, and the status shows no error', { timeout: 240_000 }, async () => {
  const { org, site, siteDir, siteKey } = await orgAndSite('outpost-sync-dead-', []);

  // Refused before format v2 for its length ("plant2." + 60 characters > 64), and it held up everything after it.
  const long = `m${'-a.b:c_d'.repeat(7)}-end`;
  assert.equal(long.length, 61);
  await site.ingest(['stopped', long], 0, 1);
  await waitFor('first readings stored', async () => Object.keys(await valuesByDevice(org)).length === 2, 30_000);
  // The organisation's administrator disables the device: from now on it refuses its readings.
  await org.request({ op: 'disableDevice', label: 'plant2.stopped' });

  await site.ingest(['before'], 0, 300);
  await site.ingest(['stopped'], 1, 1);
  await site.ingest(['after', long], 0, 300);
  const done = await waitFor('dead letter recorded, backlog drained', async () => {
    const s = await site.status();
    return s.backlog === 0 && s.deadLetters.count === 1 && s;
  }, 60_000);
  const [dead] = done.deadLetters.recent;
  assert.equal(dead!.source, 'upstream');
  assert.deepEqual([dead!.org, dead!.device, dead!.variable], ['default', 'stopped', 'seq']);
  assert.match(dead!.reason, /device "plant2.stopped" refused on the organisation hub: device "plant2.stopped" is disabled/);
  assert.equal(done.lastError, null);

  const held = await valuesByDevice(org);
  const longDevice = Object.keys(held).find((d) => /^plant2:[0-9a-f]{20}$/.test(d));
  assert.ok(longDevice, `the long label has a device of its own: ${Object.keys(held).join(', ')}`);
  assert.deepEqual(
    { before: held['plant2.before'], after: held['plant2.after'], stopped: held['plant2.stopped'], long: held[longDevice] },
    { before: range(0, 300), after: range(0, 300), stopped: [0], long: [0, ...range(0, 300)] },
  );

  const cli = await runCli(['sync', 'status', '--data-dir', siteDir, '--key-file', siteKey]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /dead letters +1 reading\(s\) that will not be sent:/);
  assert.match(cli.stdout, /default\/stopped\/seq \(upstream\): device "plant2.stopped" refused/);

  await site.stop();
  await org.stop();
});
