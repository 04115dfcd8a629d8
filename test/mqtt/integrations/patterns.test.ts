import assert from 'node:assert/strict';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { classifyTreeTopic, filtersOverlap, filterWithin, haObjectId, substitutePattern, topicPatternSchema } from '../../../src-shared/protocols/outpost-topics';
import { openDatabase } from '../../../src-main/store/database';
import { migrate, migrations } from '../../../src-main/store/migrations';
import { appByName } from '../../../src-main/access/queries/apps';
import { tempDir } from '../../helpers/tmp';

test('topic patterns: Mosquitto-style filters with whole-level %c/%u, validated with a reason', () => {
  for (const ok of ['outpost/v1/1/devices/#', 'outpost/v1/1/devices/+/+/set', 'outpost/v1/1/share/%u/%c', '#', 'homeassistant/+/+/+/config']) assert.equal(topicPatternSchema.safeParse(ok).success, true, ok);
  const reason = (p: string) => topicPatternSchema.safeParse(p).error?.issues[0]?.message ?? '';
  assert.match(reason('$SYS/#'), /may not start with "\$"/);
  assert.match(reason('outpost/#/x'), /"#" must be last/);
  assert.match(reason('outpost/a+b'), /whole level/);
  assert.match(reason('outpost/v1/%u-x/#'), /"%c" and "%u" must be a whole level/);
  assert.equal(topicPatternSchema.safeParse('').success, false);
});

test('filterWithin: a subscription is granted only if every topic it matches is inside the pattern', () => {
  const cases: [string, string, boolean][] = [
    ['outpost/v1/1/devices/boiler/temperature', 'outpost/v1/1/devices/#', true],
    ['outpost/v1/1/devices/+/temperature', 'outpost/v1/1/devices/#', true],
    ['outpost/v1/1/devices/#', 'outpost/v1/1/devices/#', true],
    ['outpost/v1/1/devices', 'outpost/v1/1/devices/#', true],
    ['outpost/v1/1/#', 'outpost/v1/1/devices/#', false],
    ['outpost/v1/+/devices/x', 'outpost/v1/1/devices/#', false],
    ['outpost/v1/1/devices/x/y', 'outpost/v1/1/devices/+/y', true],
    ['outpost/v1/1/devices/+/y', 'outpost/v1/1/devices/x/y', false],
    ['outpost/v1/1/devices/x/y/z', 'outpost/v1/1/devices/+/y', false],
    ['$SYS/x', '#', false],
    ['$SYS/x', '+/x', false],
    ['#', '#', true],
  ];
  for (const [filter, pattern, want] of cases) assert.equal(filterWithin(filter, pattern), want, `${filter} within ${pattern}`);
});

test('filtersOverlap: may a pattern match some topic of a filter (discovery configs kept while an integration may read them)', () => {
  const configs = 'homeassistant/sensor/outpost_o1_d7/+/config';
  const cases: [string, boolean][] = [
    ['homeassistant/#', true],
    ['#', true],
    ['homeassistant/sensor/+/+/config', true],
    ['homeassistant/sensor/outpost_o1_d7/temperature/config', true],
    ['homeassistant/sensor/outpost_o1_d8/#', false],
    ['homeassistant/binary_sensor/#', false],
    ['homeassistant/sensor/+/+', false],
    ['homeassistant/sensor/+/+/config/extra', false],
    ['outpost/v1/1/devices/#', false],
    ['homeassistant', false],
  ];
  for (const [pattern, want] of cases) assert.equal(filtersOverlap(pattern, configs), want, pattern);
  assert.equal(filtersOverlap('a/#', 'a'), true, 'a/# matches a (MQTT-4.7.1.2)');
  assert.equal(filtersOverlap('a/+', 'a'), false);
});

test('haObjectId: labels that need no change keep them; changed ones get a stable hash of the label, so a.b and a_b differ', () => {
  assert.equal(haObjectId('temperature'), 'temperature');
  assert.equal(haObjectId('a_b'), 'a_b');
  assert.equal(haObjectId('a.b'), 'a_b_108bf50c');
  assert.equal(haObjectId('flow.rate'), 'flow_rate_969fc3b3');
  assert.notEqual(haObjectId('a:b'), haObjectId('a.b'));
  assert.match(haObjectId('a:b'), /^a_b_[0-9a-f]{8}$/);
});

test('substitutePattern: %c and %u fill whole levels; ids holding wildcards or "/" match nothing', () => {
  assert.equal(substitutePattern('outpost/v1/1/share/%u/%c', { clientId: 'alpha', username: 'nodered' }), 'outpost/v1/1/share/nodered/alpha');
  assert.equal(substitutePattern('outpost/v1/1/share/%c/#', { clientId: 'a/b', username: 'x' }), null);
  assert.equal(substitutePattern('outpost/v1/1/share/%c/#', { clientId: '#', username: 'x' }), null);
  assert.equal(substitutePattern('outpost/v1/1/share/%u', { clientId: 'a', username: '' }), null);
  assert.equal(substitutePattern('outpost/v1/1/devices/#', { clientId: '+', username: '+' }), 'outpost/v1/1/devices/#', 'no substitution asked: the ids do not matter');
});

test('classifyTreeTopic: the tree\'s topics, commands and Home Assistant configs', () => {
  assert.deepEqual(classifyTreeTopic('outpost/v1/3/devices/boiler/temperature'), { kind: 'value', org: 3, device: 'boiler', variable: 'temperature' });
  assert.deepEqual(classifyTreeTopic('outpost/v1/3/devices/boiler/status'), { kind: 'status', org: 3, device: 'boiler' });
  assert.deepEqual(classifyTreeTopic('outpost/v1/3/devices/boiler/setpoint/set'), { kind: 'set', org: 3, device: 'boiler', variable: 'setpoint' });
  assert.deepEqual(classifyTreeTopic('outpost/v1/3/devices/boiler/rpc'), { kind: 'rpc', org: 3, device: 'boiler' });
  assert.deepEqual(classifyTreeTopic('outpost/v1/3/share/a/b'), { kind: 'share', org: 3 });
  assert.deepEqual(classifyTreeTopic('homeassistant/sensor/outpost_o3_d7/temperature/config'), { kind: 'ha-config', org: 3, deviceId: 7 });
  assert.deepEqual(classifyTreeTopic('homeassistant/status'), { kind: 'ha-other' });
  for (const other of ['outpost/v2/3/devices/a/b', 'outpost/v1/03/devices/a/b', 'outpost/v1/3/share', 'outpost/v1/3/share/', 'outpost/v1/3/devices/a/b/c/d']) assert.deepEqual(classifyTreeTopic(other), { kind: 'outpost-other' }, other);
  assert.equal(classifyTreeTopic('/v1.6/devices/boiler'), null);
});

test('migration 14: on a fresh database and on version 13 data (existing apps keep no MQTT access)', () => {
  const fresh = openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
  try {
    migrate(fresh, migrations.filter((m) => m.version <= 14));
    const columns = fresh.prepare("SELECT name FROM pragma_table_info('apps')").pluck().all() as string[];
    assert.ok(columns.includes('mqtt_subscribe') && columns.includes('mqtt_publish'));
  } finally {
    fresh.close();
  }
  const db = openDatabase({ file: join(tempDir(), 'outpost.db'), key: randomBytes(32) });
  try {
    migrate(db, migrations.filter((m) => m.version < 14));
    db.exec(`INSERT INTO apps (org_id, name, token_hash, hint, scopes, created_by, creator_kind, creator_id, created_at) VALUES (1, 'etl', x'01', 'h', '["devices:read"]', NULL, 'cli', NULL, 0)`);
    migrate(db, migrations.filter((m) => m.version <= 14));
    const app = appByName(db, 1, 'etl')!;
    assert.deepEqual([app.mqttSubscribe, app.mqttPublish, app.scopes], [[], [], ['devices:read']]);
  } finally {
    db.close();
  }
});
