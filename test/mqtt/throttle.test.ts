import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logged, mosqArgs, runTool, startHub } from './helpers/hub';

test('bad tokens from one address slow down its refusals but never refuse a good token (a gateway or NAT keeps working); refusals are logged with the address, repeats as a summary', async () => {
  const hub = await startHub();
  const token = await hub.addDevice('gate');
  const connect = (tok: string) => runTool('mosquitto_pub', [...mosqArgs(hub, tok), '-t', '/v1.6/devices/gate', '-m', '{"open": 1}', '-q', '1', '-d']);

  assert.equal((await connect(token)).code, 0, 'the good token works before');
  const bad = await Promise.all(Array.from({ length: 14 }, (_, i) => connect(`opd_${String(i).padStart(43, 'A')}`)));
  for (const b of bad) assert.match(b.stdout, /CONNACK \(5\)/);
  const started = Date.now();
  const good = await connect(token);
  assert.equal(good.code, 0, `a good token from the same address is still accepted: ${good.stdout}${good.stderr}`);
  assert.ok(Date.now() - started < 3000, 'and not held back');
  const slowStart = Date.now();
  const slow = await connect(`opd_${'Z'.repeat(43)}`);
  assert.match(slow.stdout, /CONNACK \(5\)/);
  assert.ok(Date.now() - slowStart >= 2000, `a guess from the noisy address is answered late (${Date.now() - slowStart} ms)`);
  const log = await logged(hub, /"reason":"bad_token"/);
  // The first refusal of each reason in full; the other 14 bad tokens in one summary line when the interval ends (here: at stop).
  assert.equal((log.match(/"address":"127\.0\.0\.1"[^\n]*"reason":"bad_token"[^\n]*MQTT CONNECT refused/g) ?? []).length, 1);
  assert.equal((await hub.serve.stop()).code, 0);
  assert.match(hub.serve.stderr(), /"address":"127\.0\.0\.1","refusals":14,"reasons":\{"connect\/bad_token":14\}[^\n]*14 more refusals from 127\.0\.0\.1/);
});
