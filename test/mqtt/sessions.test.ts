import assert from 'node:assert/strict';
import { test } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { eventually, mosqArgs, runTool, startHub, whenConnected, type TestHub } from './helpers/hub';

// Issue 9 item 5: subscriptions restored from a stored session were not
// registered with the hub, stored sessions never expired and were not capped.

/** Connects with clean session 0 and without subscribing (mqtt.js would resubscribe on its own reconnects only). */
async function resume(hub: TestHub, token: string, clientId: string): Promise<{ client: MqttClient; sessionPresent: boolean; received: string[] }> {
  const received: string[] = [];
  const client = mqtt.connect(`mqtts://localhost:${hub.port}`, { username: token, ca: hub.ca, clientId, clean: false, reconnectPeriod: 0, resubscribe: false });
  client.on('message', (topic, payload) => received.push(`${topic} ${payload.toString()}`));
  const connack = await whenConnected(client);
  return { client, sessionPresent: connack.sessionPresent, received };
}

/** A persistent session with one subscription, made by mosquitto_sub (-c), which leaves once subscribed (-E). */
async function storeSession(hub: TestHub, token: string, clientId: string, topic: string): Promise<void> {
  const r = await runTool('mosquitto_sub', [...mosqArgs(hub, token), '-c', '-i', clientId, '-q', '1', '-t', topic, '-E']);
  assert.equal(r.code, 0, r.stderr);
}

test('a device that resumes its stored session receives a command without subscribing again', async () => {
  const hub = await startHub();
  const token = await hub.addDevice('valve');
  const topic = '/v1.6/devices/valve/setpoint/lv';
  await storeSession(hub, token, 'valve-fw', topic);
  const queued = await hub.cli(['command', 'valve', 'setpoint', '42', '--wait', '500', '--json']);
  assert.equal(queued.code, 0, queued.stderr);
  assert.match(queued.stdout, /"status":"pending"/, 'the device is offline: the command waits');

  const device = await resume(hub, token, 'valve-fw');
  assert.equal(device.sessionPresent, true);
  await eventually(() => (device.received.includes(`${topic} 42`) ? true : undefined), 10_000, `42 on /lv; got ${device.received.join(', ')}`);
  const next = await hub.cli(['command', 'valve', 'setpoint', '43', '--wait', '10000', '--json']);
  assert.match(next.stdout, /"status":"delivered"/, next.stdout);
  await eventually(() => (device.received.includes(`${topic} 43`) ? true : undefined), 10_000, '43 on /lv');
  await device.client.endAsync();
});

test('a stored session unused for longer than --mqtt-session-expiry-days is deleted', async () => {
  const expiryMs = 2500;
  const hub = await startHub(['--mqtt-session-expiry-days', String(expiryMs / 86_400_000)]);
  const token = await hub.addDevice('meter');
  await storeSession(hub, token, 'meter-fw', '/v1.6/devices/meter/#');
  const soon = await resume(hub, token, 'meter-fw');
  assert.equal(soon.sessionPresent, true, 'resumed within the expiry');
  await soon.client.endAsync();
  await new Promise((r) => setTimeout(r, expiryMs * 2));
  const late = await resume(hub, token, 'meter-fw');
  assert.equal(late.sessionPresent, false, 'expired: a fresh session');
  await late.client.endAsync();
});

test('one token keeps at most --mqtt-sessions-per-token stored sessions; the one unused longest goes', async () => {
  const hub = await startHub(['--mqtt-sessions-per-token', '2']);
  const token = await hub.addDevice('gw');
  for (const id of ['gw-1', 'gw-2', 'gw-3']) {
    await storeSession(hub, token, id, '/v1.6/devices/gw/#');
    await new Promise((r) => setTimeout(r, 50));
  }
  const newest = await resume(hub, token, 'gw-3');
  assert.equal(newest.sessionPresent, true, 'the newest session is kept');
  await newest.client.endAsync();
  const oldest = await resume(hub, token, 'gw-1');
  assert.equal(oldest.sessionPresent, false, 'the oldest session was deleted when the third was stored');
  await oldest.client.endAsync();
  const other = await hub.addDevice('other');
  await storeSession(hub, other, 'gw-2', '/v1.6/devices/other/#');
  const second = await resume(hub, token, 'gw-2');
  assert.equal(second.sessionPresent, false, 'gw-2 was deleted when gw-1 came back; the other device\'s gw-2 is its own');
  await second.client.endAsync();
});
