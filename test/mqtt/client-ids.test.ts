import assert from 'node:assert/strict';
import { test } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { eventually, mosqArgs, startHub, startTool, stopProcess, whenConnected, type TestHub } from './helpers/hub';

// Issue 9 item 4: device A reusing device B's client id took B's connection
// over (MQTT-3.1.4-2 applied across tokens) and, with clean session 0, got the
// QoS 1 messages queued for B.

/**
 * Device B's own client, a persistent session. With `dropOnMessage` it loses
 * its connection as a QoS 1 message arrives, before its PUBACK: the message
 * stays queued in B's stored session (MQTT 3.1.1 has no way to refuse an ack).
 */
async function ownerClient(hub: TestHub, token: string, clientId: string, topic: string, dropOnMessage: boolean): Promise<{ client: MqttClient; received: string[]; closes: () => number }> {
  const received: string[] = [];
  let closes = 0;
  const client = mqtt.connect(`mqtts://localhost:${hub.port}`, { username: token, ca: hub.ca, clientId, clean: false, reconnectPeriod: 0 });
  client.on('packetreceive', (packet) => {
    if (packet.cmd !== 'publish') return;
    received.push(`${packet.topic} ${packet.payload.toString()}`);
    if (dropOnMessage) client.stream.destroy();
  });
  client.on('close', () => (closes += 1));
  await whenConnected(client);
  await client.subscribeAsync(topic, { qos: 1 });
  return { client, received, closes: () => closes };
}

test('a client id in use by another device neither disconnects its owner nor receives its queued messages', async () => {
  const hub = await startHub();
  const tokenA = await hub.addDevice('dev-a');
  const tokenB = await hub.addDevice('dev-b');
  const topicB = '/v1.6/devices/dev-b/setpoint/lv';
  const b = await ownerClient(hub, tokenB, 'shared-id', topicB, true);

  // A (mosquitto_sub, a persistent session of its own) takes B's client id.
  const a1 = startTool('stdbuf', ['-oL', 'mosquitto_sub', ...mosqArgs(hub, tokenA), '-i', 'shared-id', '-c', '-q', '1', '-t', '/v1.6/devices/dev-a/x/lv', '-v', '-d']);
  await eventually(() => (a1.output().includes('received SUBACK') ? true : undefined), 10_000, `A subscribed: ${a1.output()}`);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(b.closes(), 0, 'B keeps its connection');
  assert.match(a1.output(), /CONNACK \(0\)/);

  const sent = await hub.cli(['command', 'dev-b', 'setpoint', '42', '--wait', '10000', '--json']);
  assert.equal(sent.code, 0, sent.stderr);
  await eventually(() => (b.received.includes(`${topicB} 42`) ? true : undefined), 10_000, `42 reaches B: ${b.received.join(', ')}`);
  await stopProcess(a1.child);

  // B went away without acknowledging: 42 stays queued in B's session. A reconnects with the same id.
  await eventually(() => (b.closes() === 1 ? true : undefined), 5000, 'B dropped its connection');
  const a2 = startTool('stdbuf', ['-oL', 'mosquitto_sub', ...mosqArgs(hub, tokenA), '-i', 'shared-id', '-c', '-q', '1', '-t', '/v1.6/devices/dev-a/x/lv', '-v', '-d']);
  await eventually(() => (a2.output().includes('received SUBACK') ? true : undefined), 10_000, `A subscribed again: ${a2.output()}`);
  await new Promise((r) => setTimeout(r, 1500));
  await stopProcess(a2.child);
  assert.doesNotMatch(a2.output(), /dev-b|received PUBLISH/, `A receives nothing of B's: ${a2.output()}`);
  assert.match(a2.output(), /CONNACK \(0\)/);

  // The session is still B's: B resumes it and gets 42 again (MQTT-4.4.0-1: unacknowledged QoS 1 is resent).
  const again = await ownerClient(hub, tokenB, 'shared-id', topicB, false);
  await eventually(() => (again.received.includes(`${topicB} 42`) ? true : undefined), 10_000, `B's queued 42 redelivered: ${again.received.join(', ')}`);
  again.client.end(true);
});
