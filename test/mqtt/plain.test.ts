import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readings, runTool, startHub } from './helpers/hub';

test('plain MQTT is off by default; switched on, it works and is flagged insecure', async () => {
  const secure = await startHub();
  assert.equal(secure.serve.ready.listeners.mqtt, undefined);
  assert.deepEqual(secure.serve.ready.insecure, []);

  const hub = await startHub(['--mqtt-port', '0']);
  const port = hub.serve.ready.listeners.mqtt!.port;
  assert.deepEqual(hub.serve.ready.insecure, [`plain MQTT on port ${port}`]);
  const token = await hub.addDevice('legacy');
  const r = await runTool('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-u', token, '-t', '/v1.6/devices/legacy', '-m', '{"t": 3}', '-q', '1']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((await readings(hub, 'legacy')).map((x) => x.value), [3]);
});
