import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logged, mosqArgs, runTool, startHub } from './helpers/hub';

test('repeated bad tokens from one address lock it out, even for a good token; the refusals are logged with the address (repeats as a summary)', async () => {
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
  // The first refusal of each reason in full; the other nine bad tokens in one summary line when the interval ends (here: at stop).
  assert.equal((log.match(/"address":"127\.0\.0\.1"[^\n]*"reason":"bad_token"[^\n]*MQTT CONNECT refused/g) ?? []).length, 1);
  assert.match(log, /"address":"127\.0\.0\.1"[^\n]*"reason":"rate_limited"[^\n]*too many bad tokens from 127\.0\.0\.1/);
  assert.equal((await hub.serve.stop()).code, 0);
  assert.match(hub.serve.stderr(), /"address":"127\.0\.0\.1","refusals":9,"reasons":\{"connect\/bad_token":9\}[^\n]*9 more refusals from 127\.0\.0\.1/);
});
