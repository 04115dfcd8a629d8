import assert from 'node:assert/strict';
import { test } from 'node:test';
import mqtt from 'mqtt';
import { eventually, mosqArgs, readings, runTool, startHub, startTool } from '../helpers/hub';
import { addIntegration, devicePublish, messages, mosquittoSub, paho, subacks } from './helpers';
import { writeSetting } from '../../../src-main/settings/queries/settings';

/**
 * Integration clients (app tokens with MQTT patterns, docs/INTEGRATIONS.md)
 * against a real `outpost serve` over TLS with its CA: mosquitto_sub/pub and
 * Debian's python3-paho-mqtt.
 */
test('integrations on the broker: scoped topics, retained last values, SUBACK failures, commands, isolation and revocation', async (t) => {
  const hub = await startHub();
  const boiler = await hub.addDevice('boiler');
  const fridge = await hub.addDevice('fridge');
  const ha = await addIntegration(hub, 'ha', {
    scopes: 'devices:read,readings:read,commands:send',
    devices: 'boiler',
    sub: ['outpost/v1/1/devices/#', 'homeassistant/#'],
    pub: ['outpost/v1/1/devices/+/+/set'],
  });
  await devicePublish(hub, boiler, 'boiler', { temperature: 21.5 });
  const sentCommands = async () => {
    const store = await hub.store();
    try {
      return store.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'commands.send' AND outcome = 'ok'").pluck().get() as number;
    } finally {
      store.close();
    }
  };
  await devicePublish(hub, fridge, 'fridge', { temperature: 4 });
  // Several readings of one variable, out of order, in one message (one commit), with no integration listening:
  // the retained value is the newest by timestamp, not the last one in the message.
  const now = Date.now();
  await devicePublish(hub, boiler, 'boiler', {
    pressure: [
      { value: 1.1, timestamp: now - 3_000 },
      { value: 1.3, timestamp: now - 1_000 },
      { value: 1.2, timestamp: now - 2_000 },
    ],
  });

  await t.test('retained last values arrive on subscribe, for allowed devices only', async () => {
    const lines = await mosquittoSub(hub, ha, ['outpost/v1/1/devices/#'], 3);
    const values = lines.filter((l) => l.startsWith('outpost/v1/1/devices/boiler/temperature '));
    assert.equal(values.length, 1, lines.join('\n'));
    const body = JSON.parse(values[0]!.slice(values[0]!.indexOf(' ') + 1)) as { value: number; timestamp: number; context: unknown };
    assert.equal(body.value, 21.5);
    assert.ok(body.timestamp > Date.now() - 120_000);
    assert.deepEqual(body.context, {});
    const pressure = lines.filter((l) => l.startsWith('outpost/v1/1/devices/boiler/pressure '));
    assert.equal(pressure.length, 1, lines.join('\n'));
    assert.deepEqual(JSON.parse(pressure[0]!.slice(pressure[0]!.indexOf(' ') + 1)), { value: 1.3, timestamp: now - 1_000, context: {} }, 'the newest by timestamp');
    assert.ok(lines.some((l) => l.startsWith('outpost/v1/1/devices/boiler/status ')), 'the device status is retained too');
    assert.ok(!lines.some((l) => l.includes('fridge')), `nothing of a device outside the set: ${lines.join('\n')}`);
  });

  await t.test('a live subscriber receives new readings of allowed devices only', async () => {
    const sub = startTool('mosquitto_sub', [...mosqArgs(hub, ha), '-v', '-q', '1', '-t', 'outpost/v1/1/devices/+/temperature', '-R']);
    await new Promise((r) => setTimeout(r, 1500));
    await devicePublish(hub, fridge, 'fridge', { temperature: 5 });
    await devicePublish(hub, boiler, 'boiler', { temperature: 22.5 });
    await eventually(() => (sub.output().includes('"value":22.5') ? true : undefined), 10_000, `22.5 live; got ${sub.output()}`);
    assert.ok(!sub.output().includes('fridge'), sub.output());
  });

  await t.test('refused filters get SUBACK 0x80; granted ones their QoS (up to 2)', async () => {
    const events = await paho(hub, ha, 'ha-suback', [
      {
        sub: [
          ['outpost/v1/1/devices/+/temperature', 2],
          ['outpost/v1/2/devices/#', 1],
          ['$SYS/#', 0],
          ['/v1.6/devices/boiler/temperature', 1],
          ['outpost/v1/1/devices/fridge/#', 1],
          ['outpost/v1/+/devices/#', 1],
          ['#', 0],
        ],
      },
    ]);
    assert.deepEqual(subacks(events), [[2, 128, 128, 128, 128, 128, 128]]);
  });

  await t.test('a command published by the integration reaches the device and is audited as the app', async () => {
    const device = startTool('stdbuf', ['-oL', 'mosquitto_sub', ...mosqArgs(hub, boiler), '-t', '/v1.6/devices/boiler/setpoint/lv', '-q', '1', '-i', 'boiler-fw', '-d']);
    await eventually(() => (device.output().includes('received SUBACK') ? true : undefined), 10_000, 'device SUBACK');
    const r = await runTool('mosquitto_pub', [...mosqArgs(hub, ha), '-q', '1', '-t', 'outpost/v1/1/devices/boiler/setpoint/set', '-m', '42']);
    assert.equal(r.code, 0, r.stderr);
    await eventually(() => (device.output().split('\n').includes('42') ? true : undefined), 10_000, `42 at the device; got ${device.output()}`);
    const audit = await hub.cli(['audit', 'list', '--action', 'commands.send', '--json']);
    assert.equal(audit.code, 0, audit.stderr);
    assert.match(audit.stdout, /"actor":"app:\d+"/);
    assert.match(audit.stdout, /"outcome":"ok"/);
    // A device outside its set: refused, audited as denied, nothing reaches it.
    const other = await runTool('mosquitto_pub', [...mosqArgs(hub, ha), '-q', '1', '-t', 'outpost/v1/1/devices/fridge/setpoint/set', '-m', '7']);
    assert.equal(other.code, 0, 'MQTT 3.1.1 has no negative PUBACK: the message is dropped');
    assert.ok(!(await readings(hub, 'fridge')).some((x) => x.variable === 'setpoint'));
  });

  await t.test('commands draw from the token\'s request budget (the security policy\'s per-token rate), like its API calls', async () => {
    const store = await hub.store();
    try {
      // Written as the console's settings.update would (another connection: the hub reads the policy per call).
      writeSetting(store.db, 'aaa.policy', { rateLimit: { perAddress: { burst: 200, perSecond: 50 }, perToken: { burst: 3, perSecond: 0.01 } } }, Date.now());
    } finally {
      store.close();
    }
    const before = await sentCommands();
    const r = await runTool('mosquitto_pub', [...mosqArgs(hub, ha), '-q', '1', '-t', 'outpost/v1/1/devices/boiler/setpoint/set', '-m', '5', '--repeat', '8']);
    assert.equal(r.code, 0, r.stderr);
    const recorded = (await sentCommands()) - before;
    assert.ok(recorded <= 3, `${recorded} of 8 commands recorded with a budget of 3`);
    assert.ok(recorded >= 1, 'the budget lets some through');
    const store2 = await hub.store();
    try {
      writeSetting(store2.db, 'aaa.policy', {}, Date.now());
    } finally {
      store2.close();
    }
  });

  await t.test('an app token that expires ends its MQTT session on a quiet hub (no database change announces it)', async () => {
    const expiresAt = Date.now() + 12_000;
    const r = await hub.cli(['app', 'add', 'short-lived', '--scopes', 'devices:read,readings:read', '--mqtt-subscribe', 'outpost/v1/1/devices/#', '--expires', new Date(expiresAt).toISOString(), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const token = (JSON.parse(r.stdout) as { token: string }).token;
    const client = await mqtt.connectAsync(`mqtts://localhost:${hub.port}`, { username: token, ca: hub.ca, reconnectPeriod: 0, clientId: 'short-lived' });
    const closedAt = await new Promise<number>((resolve) => client.once('close', () => resolve(Date.now())));
    assert.ok(closedAt >= expiresAt - 100, 'not before it expired');
    assert.ok(closedAt < expiresAt + 5_000, `closed ${closedAt - expiresAt} ms after it expired`);
    client.end(true);
  });

  await t.test('an integration cannot write readings into device topics, even with publish pattern "#"', async () => {
    const wide = await addIntegration(hub, 'wide', { scopes: 'devices:read,readings:read,readings:write', sub: ['#'], pub: ['#'] });
    for (const [topic, message] of [
      ['/v1.6/devices/boiler', '{"temperature": 99}'],
      ['v1/devices/me/telemetry', '{"temperature": 99}'],
      ['outpost/v1/1/devices/boiler/temperature', '{"value": 99}'],
      ['outpost/v1/1/devices/boiler/status', 'forged'],
      ['homeassistant/sensor/outpost_o1_d1/temperature/config', '{}'],
    ] as const) {
      const r = await runTool('mosquitto_pub', [...mosqArgs(hub, wide), '-q', '1', '-t', topic, '-m', message]);
      assert.equal(r.code, 0, r.stderr);
    }
    const stored = await readings(hub, 'boiler', 'temperature');
    assert.ok(!stored.some((x) => x.value === 99), JSON.stringify(stored));
    const lines = await mosquittoSub(hub, ha, ['outpost/v1/1/devices/boiler/#'], 2);
    // The value, not any "99" (a timestamp may contain one).
    assert.ok(!lines.some((l) => l.includes('"value":99') || l.includes('forged')), lines.join('\n'));
  });

  await t.test('a second organisation\'s integration sees nothing of organisation 1', async () => {
    assert.equal((await hub.cli(['org', 'add', 'beta', '--name', 'Beta'])).code, 0);
    const beta = await addIntegration(hub, 'beta-ha', { org: 'beta', sub: ['#'], pub: ['#'] });
    const events = await paho(hub, beta, 'beta-1', [{ sub: [['#', 1], ['outpost/v1/1/devices/#', 1], ['outpost/v1/2/devices/#', 1]] }, { wait: 1.5 }]);
    assert.deepEqual(subacks(events), [[1, 128, 1]]);
    await devicePublish(hub, boiler, 'boiler', { temperature: 23 });
    const later = await paho(hub, beta, 'beta-2', [{ sub: [['#', 1]] }, { wait: 1.5 }]);
    assert.deepEqual(messages(events).concat(messages(later)), [], 'no retained or live message of organisation 1');
  });

  await t.test('revoking the integration closes its MQTT session within 1 s', async () => {
    const token = await addIntegration(hub, 'nodered', { sub: ['outpost/v1/1/devices/#'] });
    const client = paho(hub, token, 'nodered-1', [{ sub: [['outpost/v1/1/devices/#', 1]] }, { until_disconnect: 20 }], { timeoutMs: 40_000 });
    await new Promise((r) => setTimeout(r, 2500));
    const revoked = await hub.cli(['app', 'revoke', 'nodered']);
    assert.equal(revoked.code, 0, revoked.stderr);
    const events = await client;
    const at = events.find((e) => e.event === 'disconnected')?.at;
    assert.ok(typeof at === 'number', JSON.stringify(events));
    // revoked_at is taken just before the revoking transaction commits (in the CLI process): an upper bound on the delay.
    const store = await hub.store();
    const revokedAt = (store.db.prepare("SELECT revoked_at FROM apps WHERE name = 'nodered'").pluck().get() as number) / 1000;
    const delay = at - revokedAt;
    t.diagnostic(`disconnected ${(delay * 1000).toFixed(0)} ms after the revocation was written`);
    assert.ok(delay < 1, `disconnected ${delay.toFixed(3)} s after revocation`);
    const again = await runTool('mosquitto_sub', [...mosqArgs(hub, token), '-t', 'outpost/v1/1/devices/#', '-W', '3']);
    assert.notEqual(again.code, 0, 'the revoked token is refused at CONNECT');
  });
});
