import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, logged, startHub } from '../helpers/hub';
import { addIntegration, messages, paho, subacks } from './helpers';

/**
 * The caps of docs/INTEGRATIONS.md "Limits", with python3-paho-mqtt:
 * subscription filters per session (SUBACK 0x80 past 100) and retained
 * messages on an organisation's share topics (1,000 topics, 1 MiB), refused
 * with a PUBACK and a logged reason.
 */
test('integration limits: filters per session, retained share topics and bytes per organisation', async (t) => {
  const hub = await startHub();
  const share = ['outpost/v1/1/share/#'];
  const nodered = await addIntegration(hub, 'nodered', { sub: share, pub: share });
  const store = await hub.store();
  // The recent refusals the console shows (the log shows the first of a kind per minute only).
  const refusal = (re: RegExp) =>
    eventually(() => {
      const rows = store.db.prepare("SELECT reason, message FROM refusals WHERE protocol = 'mqtt'").all() as { reason: string; message: string }[];
      return rows.find((r) => re.test(r.message) && r.reason === 'too_large');
    }, 5000, `a refusal ${re}`);

  await t.test('a session holds at most 100 filters: the 101st gets 0x80 (MQTT-3.9.3); subscribing again to a held one is not a new filter', async () => {
    const filters = Array.from({ length: 101 }, (_, i) => [`outpost/v1/1/share/s/${i}`, 1]);
    const events = await paho(hub, nodered, 'many-subs', [{ sub: filters }, { sub: [['outpost/v1/1/share/s/0', 0], ['outpost/v1/1/share/s/extra', 1]] }]);
    const [first, second] = subacks(events);
    assert.deepEqual(first, [...Array.from({ length: 100 }, () => 1), 128]);
    assert.deepEqual(second, [0, 128]);
    await logged(hub, /MQTT subscription refused: the session holds 100 filters/);
    // Another session has its own count.
    assert.deepEqual(subacks(await paho(hub, nodered, 'few-subs', [{ sub: [['outpost/v1/1/share/s/extra', 1]] }])), [[1]]);
  });

  await t.test('a stored session (clean session 0) keeps no refused filter and counts the filters it gets back: the 101st is refused after a reconnect', async () => {
    const filters = Array.from({ length: 100 }, (_, i) => [`outpost/v1/1/share/p/${i}`, 1]);
    assert.deepEqual(subacks(await paho(hub, nodered, 'persist-subs', [{ sub: filters }], { clean: false })), [Array.from({ length: 100 }, () => 1)]);
    // A held filter and a new one in one SUBSCRIBE: the new one is refused, and must not be stored with the session either.
    const again = await paho(hub, nodered, 'persist-subs', [{ sub: [['outpost/v1/1/share/p/0', 1], ['outpost/v1/1/share/p/new', 1]] }], { clean: false });
    assert.equal(again.find((e) => e.event === 'connected')?.session_present, true, 'the stored session was resumed');
    assert.deepEqual(subacks(again), [[1, 128]]);
    // Published while the session is offline: queued only for the filters it holds.
    await paho(hub, nodered, 'persist-pub', [{ pub: 'outpost/v1/1/share/p/new', payload: 'refused filter', qos: 1 }, { pub: 'outpost/v1/1/share/p/1', payload: 'held filter', qos: 1 }]);
    const resumed = await paho(hub, nodered, 'persist-subs', [{ wait: 1.5 }, { sub: [['outpost/v1/1/share/p/other', 1]] }], { clean: false });
    assert.deepEqual(messages(resumed).map((m) => m.payload), ['held filter']);
    assert.deepEqual(subacks(resumed), [[128]], 'the restored filters count: no 101st after a reconnect');
  });

  await t.test('retained share topics: at most 1,000 per organisation; messages without retain are not counted', async () => {
    const pub = await paho(hub, nodered, 'many-pub', [{ pub: 'outpost/v1/1/share/t', count: 1001, payload: 'v', qos: 1, retain: true }], { timeoutMs: 120_000 });
    assert.ok(pub.filter((e) => e.event === 'published').every((e) => e.acked), 'every PUBLISH gets its PUBACK, the refused one too');
    await refusal(/the organisation keeps 1000 retained share topics already/);
    const retained = messages(await paho(hub, nodered, 'many-sub', [{ sub: [['outpost/v1/1/share/t/#', 1]] }, { wait: 4 }]));
    assert.equal(retained.length, 1000);
    assert.ok(!retained.some((m) => m.topic === 'outpost/v1/1/share/t/1000'));
    // Not retained: still routed.
    const live = paho(hub, nodered, 'live-sub', [{ sub: [['outpost/v1/1/share/live', 1]] }, { wait: 4 }]);
    await new Promise((r) => setTimeout(r, 1500));
    await paho(hub, nodered, 'live-pub', [{ pub: 'outpost/v1/1/share/live', payload: 'not retained', qos: 1 }]);
    assert.deepEqual(messages(await live).map((m) => m.payload), ['not retained']);
  });

  await t.test('retained share bytes: past 1 MiB per organisation (each its own budget) a retained PUBLISH is acknowledged but neither retained nor routed; clearing one makes room', async () => {
    // Organisation 1 keeps its 1,000 topics: beta's budget is its own.
    assert.equal((await hub.cli(['org', 'add', 'beta', '--name', 'Beta'])).code, 0);
    const betaShare = ['outpost/v1/2/share/#'];
    const beta = await addIntegration(hub, 'beta-red', { org: 'beta', sub: betaShare, pub: betaShare });
    const watch = paho(hub, beta, 'big-watch', [{ sub: [['outpost/v1/2/share/big/#', 1]] }, { wait: 8 }]);
    await new Promise((r) => setTimeout(r, 1500));
    // 16 x 62,000 bytes fit in 1 MiB (1,048,576), a 17th does not.
    const pub = await paho(hub, beta, 'big-pub', [{ pub: 'outpost/v1/2/share/big', count: 17, size: 62_000, qos: 1, retain: true }]);
    const published = pub.filter((e) => e.event === 'published');
    assert.equal(published.length, 17);
    assert.ok(published.every((e) => e.acked), 'every PUBLISH gets its PUBACK, the refused one too');
    assert.equal(messages(await watch).length, 16, 'the refused one is not routed either');
    await refusal(/retained share messages of the organisation would exceed 1048576 bytes/);
    const retained = messages(await paho(hub, beta, 'big-sub', [{ sub: [['outpost/v1/2/share/big/#', 1]] }, { wait: 2 }]));
    assert.deepEqual(retained.map((m) => m.topic).sort(), Array.from({ length: 16 }, (_, i) => `outpost/v1/2/share/big/${i}`).sort());
    // An empty retained message frees its topic's bytes; the 17th then fits.
    await paho(hub, beta, 'big-room', [
      { pub: 'outpost/v1/2/share/big/0', payload: '', qos: 1, retain: true },
      { pub: 'outpost/v1/2/share/big/16', size: 62_000, qos: 1, retain: true },
    ]);
    const after = messages(await paho(hub, beta, 'big-sub2', [{ sub: [['outpost/v1/2/share/big/#', 1]] }, { wait: 2 }]));
    assert.equal(after.length, 16);
    assert.ok(after.some((m) => m.topic === 'outpost/v1/2/share/big/16') && !after.some((m) => m.topic === 'outpost/v1/2/share/big/0'));
  });
});
