import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { toString as qrText } from 'qrcode';
import { runCli } from '../helpers/cli';
import { startTestHub, testHubMasterKey } from '../helpers/hub';
import { tempDir } from '../helpers/tmp';

test('key export --qr prints the key and a terminal QR code of exactly it; --to still writes the kit file; not both', async () => {
  const hub = await startTestHub();
  const work = tempDir('outpost-key-qr-');
  const cliArgs = ['--data-dir', hub.config.dataDir, '--key-file', hub.config.keyFile!];
  const keyHex = testHubMasterKey(hub).toString('hex');

  const printed = await runCli(['key', 'export', '--yes', '--qr', ...cliArgs]);
  assert.equal(printed.code, 0, printed.stderr);
  const lines = printed.stdout.split('\n');
  assert.equal(lines[0], keyHex, 'the 64 digits first, as without --qr');
  // A block of rows of half-block characters and spaces on a light background, all of one width (the bottom
  // quiet zone is drawn with other escapes).
  const [start, end] = ['\u001b[47m\u001b[30m', '\u001b[0m'];
  const block = lines.filter((l) => l.startsWith(start) && l.endsWith(end) && /^[ ▀▄█]+$/.test(l.slice(start.length, -end.length)));
  assert.ok(block.length >= 15, `a QR block of ${block.length} rows`);
  assert.equal(new Set(block.map((l) => l.length)).size, 1, 'every row has the same width');
  // What it encodes: the same matrix as the key encoded here (nothing is decoded).
  assert.ok(printed.stdout.includes(await qrText(keyHex, { type: 'terminal', small: true })), 'the QR code is of the key');
  assert.match(printed.stdout, /Keep any copy of it offline/);

  const json = await runCli(['key', 'export', '--yes', '--qr', '--json', ...cliArgs]);
  assert.equal(json.code, 0, json.stderr);
  const event = JSON.parse(json.stdout.trim().split('\n').at(-1)!) as { event: string; keyHex: string; qr: string };
  assert.deepEqual([event.event, event.keyHex, event.qr.includes('▄')], ['key', keyHex, true]);

  // The kit file, as before: 0600, the --key-file form.
  const kit = join(work, 'master.key');
  const written = await runCli(['key', 'export', '--yes', '--to', kit, ...cliArgs]);
  assert.equal(written.code, 0, written.stderr);
  assert.equal(statSync(kit).mode & 0o777, 0o600);
  assert.equal(readFileSync(kit, 'utf8'), `${keyHex}\n`);
  assert.equal(written.stdout.includes(keyHex), false, 'the file variant does not print the key');

  // Both at once is refused before anything is exported.
  const other = join(work, 'other.key');
  const both = await runCli(['key', 'export', '--yes', '--qr', '--to', other, ...cliArgs]);
  assert.equal(both.code, 2, both.stdout + both.stderr);
  assert.match(both.stderr + both.stdout, /choose one/);
  assert.equal(existsSync(other), false);
});
