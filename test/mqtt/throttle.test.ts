import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logged, mosqArgs, runTool, startHub } from './helpers/hub';

test('repeated bad tokens from one address lock it out, even for a good token; each refusal is logged with the address', async () => {
  // A hub of its own: the lockout covers 127.0.0.1, which every other test uses.
  const hub = await startHub();
  const token = await hub.addDevice('gate');
  const connect = (tok: string) => runTool('mosquitto_pub', [...mosqArgs(hub, tok), '-t', '/v1.6/devices/gate', '-m', '{"open": 1}', '-q', '1', '-d']);

  assert.equal((await connect(token)).code, 0, 'the good token works before');
  for (let i = 0; i < 10; i++) {
    const bad = await connect(`opd_${String(i).padStart(43, 'A')}`);
    assert.match(bad.stdout, /CONNACK \(5\)/);
  }
  const locked = await connect(token);
  assert.notEqual(locked.code, 0);
  assert.match(locked.stdout, /CONNACK \(5\)/, 'refused while locked out');
  const log = await logged(hub, /"reason":"rate_limited"/);
  assert.equal((log.match(/"address":"127\.0\.0\.1"[^\n]*"reason":"bad_token"[^\n]*MQTT CONNECT refused/g) ?? []).length, 10);
  assert.match(log, /"address":"127\.0\.0\.1"[^\n]*"reason":"rate_limited"[^\n]*too many bad tokens from 127\.0\.0\.1/);
});
