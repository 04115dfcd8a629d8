import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, mosqArgs, readings, startHub, startTool } from '../helpers/hub';
import { addIntegration, devicePublish, messages, paho, subacks } from './helpers';

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * MQTT 3.1.1 behaviour for integration clients (docs/INTEGRATIONS.md):
 * QoS 0/1/2, retained messages, wills, persistent sessions, `$` topics and
 * the `%c`/`%u` pattern substitutions, each with a third-party client.
 */
test('integration clients get MQTT 3.1.1 behaviour on their share tree and the topic tree', async (t) => {
  const hub = await startHub();
  const boiler = await hub.addDevice('boiler');
  const share = ['outpost/v1/1/share/#'];
  const nodered = await addIntegration(hub, 'nodered', { sub: [...share, 'outpost/v1/1/devices/#'], pub: share });

  await t.test('QoS 0, 1 and 2: each message arrives once, at the lower of the published and the granted QoS', async () => {
    const sub = paho(hub, nodered, 'qos-sub', [{ sub: [['outpost/v1/1/share/qos/#', 2]] }, { wait: 5 }]);
    await delay(2000);
    await paho(hub, nodered, 'qos-pub', [0, 1, 2].map((q) => ({ pub: `outpost/v1/1/share/qos/${q}`, payload: `q${q}`, qos: q })));
    const got = messages(await sub);
    assert.deepEqual(
      got.map((m) => [m.topic, m.payload, m.qos]),
      [0, 1, 2].map((q) => [`outpost/v1/1/share/qos/${q}`, `q${q}`, q]),
    );
    const capped = paho(hub, nodered, 'qos-sub1', [{ sub: [['outpost/v1/1/share/qos1/#', 1]] }, { wait: 4 }]);
    await delay(2000);
    await paho(hub, nodered, 'qos-pub1', [{ pub: 'outpost/v1/1/share/qos1/x', payload: 'two', qos: 2 }]);
    assert.deepEqual(messages(await capped).map((m) => m.qos), [1]);
  });

  await t.test('retained: a new subscriber gets the last retained message with the retain flag; an empty one clears it', async () => {
    await paho(hub, nodered, 'ret-pub', [{ pub: 'outpost/v1/1/share/ret', payload: 'first', qos: 1, retain: true }, { pub: 'outpost/v1/1/share/ret', payload: 'last', qos: 1, retain: true }]);
    const got = messages(await paho(hub, nodered, 'ret-sub', [{ sub: [['outpost/v1/1/share/ret', 1]] }, { wait: 1 }]));
    assert.deepEqual(got.map((m) => [m.payload, m.retain]), [['last', true]]);
    await paho(hub, nodered, 'ret-clear', [{ pub: 'outpost/v1/1/share/ret', payload: '', qos: 1, retain: true }]);
    assert.deepEqual(messages(await paho(hub, nodered, 'ret-sub2', [{ sub: [['outpost/v1/1/share/ret', 1]] }, { wait: 1 }])), []);
  });

  await t.test('will: a client that vanishes has its will published; a will outside its patterns is dropped', async () => {
    const watcher = paho(hub, nodered, 'will-watch', [{ sub: [['outpost/v1/1/share/wills/#', 1]] }, { wait: 6 }]);
    await delay(1500);
    const dying = startTool('mosquitto_sub', [...mosqArgs(hub, nodered), '-t', 'outpost/v1/1/share/none', '-i', 'dying', '--will-topic', 'outpost/v1/1/share/wills/dying', '--will-payload', 'gone', '--will-qos', '1']);
    const forging = startTool('mosquitto_sub', [...mosqArgs(hub, nodered), '-t', 'outpost/v1/1/share/none', '-i', 'forging', '--will-topic', '/v1.6/devices/boiler', '--will-payload', '{"temperature": 99}', '--will-qos', '1']);
    await delay(1500);
    dying.child.kill('SIGKILL');
    forging.child.kill('SIGKILL');
    assert.deepEqual(messages(await watcher).map((m) => [m.topic, m.payload]), [['outpost/v1/1/share/wills/dying', 'gone']]);
    assert.equal((await readings(hub, 'boiler')).length, 0, 'a will cannot write a reading');
  });

  await t.test('persistent session: subscriptions and QoS 1 messages (hub readings too) wait for a client that comes back with clean session 0', async () => {
    const first = await paho(hub, nodered, 'keeper', [{ sub: [['outpost/v1/1/share/keep/#', 1], ['outpost/v1/1/devices/boiler/temperature', 1]] }], { clean: false });
    assert.deepEqual(subacks(first), [[1, 1]]);
    await paho(hub, nodered, 'keep-pub', [{ pub: 'outpost/v1/1/share/keep/a', payload: 'while-away', qos: 1 }]);
    await devicePublish(hub, boiler, 'boiler', { temperature: 30.5 });
    const back = await paho(hub, nodered, 'keeper', [{ wait: 2 }], { clean: false });
    assert.equal(back.find((e) => e.event === 'connected')?.session_present, true);
    const got = messages(back).map((m) => m.payload);
    assert.ok(got.includes('while-away'), JSON.stringify(back));
    assert.ok(got.some((p) => p?.includes('"value":30.5')), JSON.stringify(back));
    const fresh = await paho(hub, nodered, 'keeper', [{ wait: 0.5 }], { clean: true });
    assert.equal(fresh.find((e) => e.event === 'connected')?.session_present, false, 'clean session 1 discards it');
  });

  await t.test('"$" topics are not matched by "#" (MQTT-4.7.2-1), and "$" filters are refused', async () => {
    const wide = await addIntegration(hub, 'wide', { sub: ['#'] });
    const sub = paho(hub, wide, 'dollar', [{ sub: [['#', 0], ['$SYS/#', 0]] }, { wait: 3 }]);
    await delay(1500);
    // aedes publishes $SYS/<id>/new/subscribes on every SUBSCRIBE.
    await paho(hub, nodered, 'dollar-trigger', [{ sub: [['outpost/v1/1/share/x', 0]] }]);
    const events = await sub;
    assert.deepEqual(subacks(events), [[0, 128]]);
    assert.ok(!messages(events).some((m) => m.topic?.startsWith('$')), JSON.stringify(messages(events)));
  });

  await t.test('%c and %u: a pattern level becomes the client id / the integration name', async () => {
    const scoped = await addIntegration(hub, 'scoped', { sub: ['outpost/v1/1/share/%u/#'], pub: ['outpost/v1/1/share/%u/%c'] });
    const watch = paho(hub, scoped, 'alpha', [{ sub: [['outpost/v1/1/share/scoped/#', 1], ['outpost/v1/1/share/nodered/#', 1]] }, { wait: 4 }]);
    await delay(1500);
    await paho(hub, scoped, 'beta', [
      { pub: 'outpost/v1/1/share/scoped/beta', payload: 'own', qos: 1 },
      { pub: 'outpost/v1/1/share/scoped/alpha', payload: 'impersonated', qos: 1 },
    ]);
    const events = await watch;
    assert.deepEqual(subacks(events), [[1, 128]]);
    assert.deepEqual(messages(events).map((m) => m.payload), ['own']);
  });

  await t.test('a device token still reaches only its own topics', async () => {
    const events = await paho(hub, boiler, 'boiler-fw', [{ sub: [['outpost/v1/1/devices/#', 1], ['outpost/v1/1/share/#', 1], ['/v1.6/devices/boiler/temperature', 1]] }]);
    assert.deepEqual(subacks(events), [[128, 128, 1]]);
    await eventually(async () => ((await readings(hub, 'boiler')).length === 1 ? true : undefined), 5000, 'only the one reading');
  });
});
