import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setVariableUnit } from '../../../src-main/devices/queries/variables';
import { startHub, startTool, mosqArgs, eventually } from '../helpers/hub';
import { addIntegration, devicePublish, mosquittoSub } from './helpers';

/**
 * What Home Assistant needs of an MQTT discovery message for a sensor,
 * written from its public documentation (MQTT integration "Discovery
 * messages" and "MQTT Sensor"; summarised in docs/INTEGRATIONS.md):
 * - topic `<discovery_prefix>/<component>/[<node_id>/]<object_id>/config`,
 *   node_id and object_id of `[a-zA-Z0-9_-]`;
 * - `state_topic` is required (a topic, no wildcards);
 * - a `device` is attached only when `unique_id` is set, and needs
 *   `identifiers` or `connections`;
 * - `availability_topic` must not be used together with `availability`;
 *   its payloads default to online/offline;
 * - `value_template`, `unit_of_measurement`, `name` are strings when present.
 * Returns the problems found.
 */
function haSensorProblems(topic: string, payload: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const m = /^homeassistant\/(sensor)\/(?:([a-zA-Z0-9_-]+)\/)?([a-zA-Z0-9_-]+)\/config$/.exec(topic);
  if (!m) problems.push(`topic ${topic} is not <prefix>/sensor/[<node_id>/]<object_id>/config`);
  const str = (k: string) => payload[k] === undefined || typeof payload[k] === 'string' || problems.push(`${k} must be a string`);
  if (typeof payload.state_topic !== 'string' || payload.state_topic === '' || /[+#]/.test(payload.state_topic)) problems.push('state_topic is required and must be a topic');
  for (const k of ['name', 'unique_id', 'value_template', 'unit_of_measurement', 'availability_topic', 'payload_available', 'payload_not_available', 'state_class']) str(k);
  if (payload.device !== undefined) {
    if (typeof payload.unique_id !== 'string' || payload.unique_id === '') problems.push('a device needs unique_id');
    const d = payload.device as { identifiers?: unknown; connections?: unknown };
    const ids = Array.isArray(d.identifiers) ? d.identifiers : typeof d.identifiers === 'string' ? [d.identifiers] : [];
    if (ids.length === 0 && !(Array.isArray(d.connections) && d.connections.length > 0)) problems.push('device needs identifiers or connections');
  }
  if (payload.availability_topic !== undefined && payload.availability !== undefined) problems.push('availability_topic and availability are exclusive');
  if (payload.state_class !== undefined && !['measurement', 'total', 'total_increasing', 'measurement_angle'].includes(payload.state_class as string)) problems.push('state_class is not one Home Assistant knows');
  return problems;
}

const split = (line: string): [string, string] => {
  const i = line.indexOf(' ');
  return i < 0 ? [line, ''] : [line.slice(0, i), line.slice(i + 1)];
};

test('Home Assistant discovery: opt-in, payloads Home Assistant accepts, per organisation, removed with the device or when switched off', async (t) => {
  const hub = await startHub();
  const boiler = await hub.addDevice('boiler');
  const ha = await addIntegration(hub, 'ha', { sub: ['homeassistant/#', 'outpost/v1/1/devices/#'] });
  // `flow.rate` and `flow_rate` would share the object id `flow_rate` if "." only became "_".
  await devicePublish(hub, boiler, 'boiler', { temperature: 21.5, 'flow.rate': 3, flow_rate: 4 });
  const store = await hub.store();
  const temperature = store.db.prepare("SELECT id FROM variables WHERE label = 'temperature'").pluck().get() as number;
  setVariableUnit(store.db, temperature, '°C');

  await t.test('off by default: no discovery message', async () => {
    assert.deepEqual(await mosquittoSub(hub, ha, ['homeassistant/#'], 2), []);
  });

  await t.test('switched on: one retained sensor config per variable, each as Home Assistant requires, consistent with the tree', async () => {
    assert.equal((await hub.cli(['settings', 'set', 'ha-discovery', 'on'])).code, 0);
    const lines = await eventually(async () => {
      const l = await mosquittoSub(hub, ha, ['homeassistant/#'], 2);
      return l.length === 3 && l.some((x) => x.includes('°C')) ? l : undefined;
    }, 20_000, 'three discovery configs with the unit');
    const tree = new Map((await mosquittoSub(hub, ha, ['outpost/v1/1/devices/#'], 2)).map(split));
    for (const line of lines) {
      const [topic, body] = split(line);
      const payload = JSON.parse(body) as Record<string, unknown>;
      assert.deepEqual(haSensorProblems(topic, payload), [], topic);
      // The state the template reads, and the availability payloads, are what the tree carries.
      const state = JSON.parse(tree.get(payload.state_topic as string) ?? 'null') as { value?: unknown } | null;
      assert.equal(typeof state?.value, 'number', `value_json.value at ${String(payload.state_topic)}`);
      assert.equal(payload.value_template, '{{ value_json.value }}');
      assert.ok([payload.payload_available, payload.payload_not_available].includes(tree.get(payload.availability_topic as string)));
      assert.equal((payload.device as { manufacturer: string }).manufacturer, 'Outpost');
    }
    const temp = lines.map(split).find(([topic]) => topic.endsWith('/temperature/config'))!;
    assert.equal((JSON.parse(temp[1]) as { unit_of_measurement: string }).unit_of_measurement, '°C');
    // A label that had to change gets a hash of itself; one that did not keeps its topic: distinct configs and unique ids.
    const byTopic = new Map(lines.map(split).map(([topic, body]) => [topic.split('/')[3], JSON.parse(body) as { unique_id: string; state_topic: string }]));
    assert.equal(byTopic.get('flow_rate_969fc3b3')?.state_topic, 'outpost/v1/1/devices/boiler/flow.rate');
    assert.equal(byTopic.get('flow_rate')?.state_topic, 'outpost/v1/1/devices/boiler/flow_rate');
    assert.notEqual(byTopic.get('flow_rate_969fc3b3')?.unique_id, byTopic.get('flow_rate')?.unique_id);
    assert.equal(new Set(lines.map((l) => split(l)[0])).size, 3);
  });

  await t.test('another organisation\'s Home Assistant sees none of them', async () => {
    assert.equal((await hub.cli(['org', 'add', 'beta', '--name', 'Beta'])).code, 0);
    const beta = await addIntegration(hub, 'beta-ha', { org: 'beta', sub: ['homeassistant/#', '#'] });
    assert.deepEqual(await mosquittoSub(hub, beta, ['homeassistant/#', '#'], 2), []);
  });

  await t.test('removing the device publishes empty retained configs: Home Assistant removes the sensors', async () => {
    const live = startTool('mosquitto_sub', [...mosqArgs(hub, ha), '-v', '-t', 'homeassistant/#', '-R', '-F', '%t len=%l']);
    await new Promise((r) => setTimeout(r, 1500));
    const removed = await hub.cli(['device', 'remove', 'boiler']);
    assert.equal(removed.code, 0, removed.stderr);
    await eventually(() => ((live.output().match(/\/config len=0/g) ?? []).length === 3 ? true : undefined), 10_000, `three empty configs; got ${live.output()}`);
    assert.deepEqual(await mosquittoSub(hub, ha, ['homeassistant/#', 'outpost/v1/1/devices/#'], 2), [], 'nothing retained is left of it');
  });

  await t.test('switching discovery off removes the configs of the remaining devices', async () => {
    const pump = await hub.addDevice('pump');
    await devicePublish(hub, pump, 'pump', { pressure: 2 });
    await eventually(async () => ((await mosquittoSub(hub, ha, ['homeassistant/#'], 1)).length === 1 ? true : undefined), 10_000, 'pump config');
    assert.equal((await hub.cli(['settings', 'set', 'ha-discovery', 'off'])).code, 0);
    await eventually(async () => ((await mosquittoSub(hub, ha, ['homeassistant/#'], 1)).length === 0 ? true : undefined), 10_000, 'configs removed');
  });
});
