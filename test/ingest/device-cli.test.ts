import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli, startServe } from '../helpers/cli';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';

function lastEvent(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown>;
}

test('device add/list/rotate/revoke/remove and readings work while outpost serve runs on the same data dir', async () => {
  const dataDir = tempDir();
  forgetKeychainEntryAfter(dataDir);
  const serve = await startServe(['--data-dir', dataDir]);
  const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir, '--json']);

  const added = await cli('device', 'add', 'Boiler-7', '--name', 'Boiler room 7');
  assert.equal(added.code, 0, added.stderr);
  const { token, label } = lastEvent(added.stdout) as { token: string; label: string };
  assert.equal(label, 'boiler-7', 'labels are stored lowercase, as Ubidots does');
  assert.match(token, /^opd_[A-Za-z0-9_-]{43}$/);

  const dup = await cli('device', 'add', 'boiler-7');
  assert.equal(dup.code, 1);
  assert.equal(lastEvent(dup.stdout).code, 'DEVICE_EXISTS');

  const bad = await cli('device', 'add', 'no/slashes');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /not a valid label/);

  const list = lastEvent((await cli('device', 'list')).stdout) as { devices: { label: string; name: string; tokens: string[] }[] };
  assert.deepEqual(list.devices.map((d) => [d.label, d.name]), [['boiler-7', 'Boiler room 7']]);
  assert.equal(list.devices[0]?.tokens.length, 1);
  assert.ok(!JSON.stringify(list).includes(token), 'the token is never shown again');

  const rotated = lastEvent((await cli('device', 'rotate', 'boiler-7')).stdout) as { token: string };
  assert.notEqual(rotated.token, token);
  const revoked = lastEvent((await cli('device', 'revoke', 'boiler-7')).stdout) as { revoked: number };
  assert.equal(revoked.revoked, 1);

  const none = await cli('readings', 'boiler-7');
  assert.equal(none.code, 0);
  assert.deepEqual((lastEvent(none.stdout) as { readings: unknown[] }).readings, []);
  const unknown = await cli('readings', 'nope');
  assert.equal(unknown.code, 1);
  assert.equal(lastEvent(unknown.stdout).code, 'UNKNOWN_DEVICE');

  assert.equal((await cli('device', 'remove', 'boiler-7')).code, 0);
  assert.deepEqual((lastEvent((await cli('device', 'list')).stdout) as { devices: unknown[] }).devices, []);
  assert.equal((await serve.stop()).code, 0);
});
