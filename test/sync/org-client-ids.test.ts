import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { addSite } from '../../src-main/sync/sites';
import { syncTopics } from '../../src-shared/sync-format';
import { startTestHub } from '../helpers/hub';
import { eventually, startTool, stopProcess, whenConnected } from '../mqtt/helpers/hub';

// Issue 9 item 4: site B could take site A's (predictable) client id, which
// disconnected A and wiped A's stored session with its queued commands.
test('organisation listener: a site reusing another site\'s client id neither disconnects it nor reads or wipes its queued commands', async () => {
  const hub = await startTestHub({ ports: { console: 0, https: null, mqtts: null, syncOrg: 0 } });
  const port = hub.listeners['sync-org']!.port;
  const caFile = join(hub.config.dataDir, 'tls', 'ca.crt');
  const ca = readFileSync(caFile, 'utf8');
  const a = addSite(hub.db, 'plant-a');
  const b = addSite(hub.db, 'plant-b');
  const clientId = 'outpost-site-plant-a';
  const commandsA = syncTopics.commands('plant-a');

  const siteA = async (): Promise<{ client: MqttClient; received: string[]; closes: () => number }> => {
    const received: string[] = [];
    let closes = 0;
    const client = mqtt.connect(`mqtts://localhost:${port}`, { username: 'plant-a', password: a.token, ca, clientId, clean: false, protocolVersion: 4, reconnectPeriod: 0 });
    client.on('packetreceive', (p) => p.cmd === 'publish' && received.push(p.payload.toString()));
    client.on('close', () => (closes += 1));
    await whenConnected(client);
    await client.subscribeAsync(commandsA, { qos: 1 });
    return { client, received, closes: () => closes };
  };
  /** Site B with mosquitto_sub under A's client id: `clean` false resumes, true would wipe a session of that id. */
  const intruder = (persistent: boolean) =>
    startTool('stdbuf', ['-oL', 'mosquitto_sub', '-h', 'localhost', '-p', String(port), '--cafile', caFile, '-V', 'mqttv311', '-u', 'plant-b', '-P', b.token, '-i', clientId, ...(persistent ? ['-c'] : []), '-q', '1', '-t', syncTopics.commands('plant-b'), '-v', '-d']);

  const first = await siteA();
  const b1 = intruder(true);
  await eventually(() => (b1.output().includes('received SUBACK') ? true : undefined), 10_000, `B connected: ${b1.output()}`);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(first.closes(), 0, 'site A keeps its connection');
  await stopProcess(b1.child);

  // A goes offline; a command waits in its stored session.
  await first.client.endAsync();
  const command = { kind: 'control' as const, org: 'default', device: 'boiler-1', variable: 'setpoint', value: 55, requestedBy: 'ops@example.com' };
  const id = await hub.services.syncOrg!.sendCommand('plant-a', command);

  // B resumes "A's" session, then connects with a clean session under the same id.
  for (const persistent of [true, false]) {
    const intrude = intruder(persistent);
    await eventually(() => (intrude.output().includes('received SUBACK') ? true : undefined), 10_000, `B connected: ${intrude.output()}`);
    await new Promise((r) => setTimeout(r, 1000));
    await stopProcess(intrude.child);
    assert.doesNotMatch(intrude.output(), /received PUBLISH/, `B receives nothing of A's: ${intrude.output()}`);
    assert.ok(!intrude.output().includes(id));
  }

  const back = await siteA();
  await eventually(() => (back.received.some((m) => m.includes(id)) ? true : undefined), 10_000, `A's queued command reaches A: ${back.received.join(', ')}`);
  back.client.end();
});
