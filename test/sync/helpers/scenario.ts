import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { OsKeychain } from '../../../src-main/security/secret-store';
import { syncKeychainAccount } from '../../../src-main/sync/credentials';
import { runCli } from '../../helpers/cli';
import { forgetKeychainEntryAfter } from '../../helpers/keychain';
import { tempDir } from '../../helpers/tmp';
import { startHubChild, type HubChild } from './hub-child';
import { startCollector, startMosquitto, type Collected, type Mosquitto } from './mosquitto';

/** Every device's values, in the order first seen, must be 0..perDevice-1: all there, once, in order. */
export function assertCompleteInOrder(rows: Iterable<{ device: string; value: number }>, devices: string[], perDevice: number): void {
  const seen = new Map<string, number[]>(devices.map((d) => [d, []]));
  for (const r of rows) {
    const list = seen.get(r.device);
    assert.ok(list, `unexpected device ${r.device}`);
    list.push(r.value);
  }
  for (const [device, values] of seen) {
    assert.equal(values.length, perDevice, `${device}: ${values.length} readings, expected ${perDevice}`);
    const wrong = values.findIndex((v, i) => v !== i);
    assert.equal(wrong, -1, `${device}: reading ${wrong} has value ${values[wrong]}; order or completeness broken`);
  }
}

export async function syncSet(dataDir: string, args: string[], password?: string): Promise<void> {
  const r = await runCli(['sync', 'set', '--data-dir', dataDir, '--json', ...args, ...(password === undefined ? [] : ['--password-stdin'])], password === undefined ? {} : { input: `${password}\n` });
  assert.equal(r.code, 0, `sync set failed: ${r.stdout}${r.stderr}`);
}

/** Deletes the sync password a test hub stored in the keychain when the test file ends. */
export function forgetSyncPasswordAfter(dataDir: string): void {
  after(async () => {
    const file = join(dataDir, 'hub.json');
    if (!existsSync(file)) return;
    const { hubId } = JSON.parse(readFileSync(file, 'utf8')) as { hubId: string };
    await new OsKeychain().delete(syncKeychainAccount(hubId)).catch(() => false);
  });
}

/**
 * A Mosquitto with the ACL of README, "Sync to an organisation" for one site (write its readings,
 * read its commands) and a collector reading every site's readings.
 */
export async function siteBroker(dir: string, site: string, sitePassword: string): Promise<{ broker: Mosquitto; collector: Collected }> {
  const user = `site-${site}`;
  const broker = await startMosquitto(dir, {
    users: { [user]: sitePassword, collector: 'collector-secret' },
    acl: [`user ${user}`, `topic write outpost/v1/sites/${site}/readings`, `topic read outpost/v1/sites/${site}/commands`, '', 'user collector', 'topic read outpost/v1/sites/+/readings', ''].join('\n'),
  });
  const collector = await startCollector(broker, 'collector', 'collector-secret', 'outpost/v1/sites/+/readings');
  return { broker, collector };
}

/** A hub (master key and sync password in the keychain, both forgotten after the test) and a Mosquitto for its site `site`. */
export async function siteWithBroker(prefix: string, site: string, sitePassword: string): Promise<{ dir: string; dataDir: string; hub: HubChild; broker: Mosquitto; collector: Collected }> {
  const dir = tempDir(prefix);
  const dataDir = join(dir, 'hub');
  forgetKeychainEntryAfter(dataDir);
  forgetSyncPasswordAfter(dataDir);
  const { broker, collector } = await siteBroker(dir, site, sitePassword);
  const hub = await startHubChild({ dataDir });
  return { dir, dataDir, hub, broker, collector };
}

/** An organisation hub on its own port with site `siteId` added (its token returned), in a fresh temp folder; the site's data directory and key file are named, not created. */
export async function orgWithSite(prefix: string, siteId: string): Promise<{ orgDir: string; siteDir: string; siteKey: string; org: HubChild; orgPort: number; token: string }> {
  const dir = tempDir(prefix);
  const orgDir = join(dir, 'org');
  forgetKeychainEntryAfter(orgDir);
  const org = await startHubChild({ dataDir: orgDir, orgPort: 0 });
  const added = await runCli(['site', 'add', siteId, '--data-dir', orgDir, '--json']);
  assert.equal(added.code, 0, added.stderr);
  const { token } = JSON.parse(added.stdout) as { token: string };
  assert.match(token, /^opt_/);
  // The site runs with a key file: its sync password is sealed under the master key, not in a keychain.
  return { orgDir, siteDir: join(dir, 'site'), siteKey: join(dir, 'site.key'), org, orgPort: org.orgPort!, token };
}
