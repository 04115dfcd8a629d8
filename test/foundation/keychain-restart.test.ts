import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Entry } from '@napi-rs/keyring';
import { createHub } from '../../src-main/hub';
import { keychainAccount } from '../../src-main/security/master-key';
import { keychainService } from '../../src-main/security/secret-store';
import { forgetKeychainEntryAfter } from '../helpers/keychain';
import { tempDir } from '../helpers/tmp';
import { quietHubConfig } from './fixture';

test('a restart finds the same master key in the real OS keychain and reads back what was written before', async () => {
  const dataDir = join(tempDir(), 'data');
  forgetKeychainEntryAfter(dataDir);

  const first = await createHub(quietHubConfig(dataDir));
  const hubId = first.identity.hubId;
  assert.equal(first.identity.keySource, 'keychain');
  const now = Date.now();
  first.db
    .prepare('INSERT INTO devices (org_id, label, name, type, created_at) VALUES (1, ?, ?, ?, ?)')
    .run('boiler-room-7', 'Boiler room sensor', 'thermometer', now);
  first.db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run('site.name', 'North plant', now);
  await first.stop();

  // The entry is where a second process, or the desktop app, will look for it.
  const stored = new Entry(keychainService, keychainAccount(hubId)).getPassword();
  assert.ok(stored, `keychain entry ${keychainAccount(hubId)} exists`);
  assert.equal(Buffer.from(stored, 'base64').length, 32, 'it holds a 32-byte key');
  const identityText = readFileSync(join(dataDir, 'hub.json'), 'utf8');
  assert.ok(!identityText.includes(stored), 'hub.json does not hold the key');
  assert.ok(!existsSync(join(dataDir, 'master.key')), 'no key file was written');

  const second = await createHub(quietHubConfig(dataDir));
  try {
    assert.equal(second.identity.hubId, hubId);
    assert.equal(new Entry(keychainService, keychainAccount(hubId)).getPassword(), stored, 'the same key, not a new one');
    const device = second.db.prepare('SELECT label, name, type, created_at FROM devices WHERE label = ?').get('boiler-room-7');
    assert.deepEqual(device, { label: 'boiler-room-7', name: 'Boiler room sensor', type: 'thermometer', created_at: now });
    assert.equal(second.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get('site.name'), 'North plant');
  } finally {
    await second.stop();
  }
});
