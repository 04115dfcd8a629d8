import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyPublish, subscriptionScope, topicMatches } from '../../src-shared/protocols/mqtt-topics';
import { parseAttributesRequest, parseRpcRequest, parseThingsBoardTelemetry } from '../../src-shared/protocols/thingsboard';

test('topic classification: the publish topics of both dialects, nothing else', () => {
  assert.deepEqual(classifyPublish('/v1.6/devices/Boiler'), { kind: 'ubidots', device: 'Boiler' });
  assert.deepEqual(classifyPublish('/v1.6/devices/boiler/'), { kind: 'ubidots', device: 'boiler' });
  assert.equal(classifyPublish('/v1.6/devices/boiler/temp'), null);
  assert.deepEqual(classifyPublish('v2/t'), { kind: 'tb-telemetry' });
  assert.deepEqual(classifyPublish('v1/devices/me/rpc/response/12'), { kind: 'tb-rpc-response', requestId: '12' });
  assert.equal(classifyPublish('v1/devices/me/rpc/response/1/2'), null);
  assert.equal(classifyPublish('$SYS/broker'), null);
});

test('subscription scope: wildcards only below the device label; $SYS and # refused', () => {
  assert.deepEqual(subscriptionScope('/v1.6/devices/boiler/+/lv'), { kind: 'ubidots', device: 'boiler' });
  assert.deepEqual(subscriptionScope('/v1.6/devices/boiler/#'), { kind: 'ubidots', device: 'boiler' });
  for (const f of ['#', '+/#', '$SYS/#', '/v1.6/devices/+/temp', '/v1.6/devices/#', '/v1.6/#', 'v1/devices/+/telemetry', 'v1/devices/me/#']) assert.equal(subscriptionScope(f), null, f);
  assert.deepEqual(subscriptionScope('v1/devices/me/rpc/request/+'), { kind: 'tb' });
});

test('topic matching follows MQTT-4.7.1', () => {
  assert.ok(topicMatches('/v1.6/devices/d/#', '/v1.6/devices/d'));
  assert.ok(topicMatches('/v1.6/devices/d/+/lv', '/v1.6/devices/d/t/lv'));
  assert.ok(!topicMatches('/v1.6/devices/d/+', '/v1.6/devices/d/t/lv'));
  assert.ok(!topicMatches('/v1.6/devices/d/t', '/v1.6/devices/d/t/lv'));
});

test('ThingsBoard telemetry: numbers are readings, text and JSON are attributes, bad parts counted', () => {
  const p = parseThingsBoardTelemetry(JSON.stringify([{ ts: 1700000000000, values: { a: 1, on: false, s: '2.5', fw: 'v1', cfg: { x: 1 } } }, { b: 'NaN' }, { ts: 'x', values: { c: 1 } }, 7]));
  assert.deepEqual(
    p.dots.map((d) => [d.variable, d.value, d.ts]),
    [
      ['a', 1, 1700000000000],
      ['on', 0, 1700000000000],
      ['s', 2.5, 1700000000000],
    ],
  );
  assert.deepEqual(p.attributes, { fw: 'v1', cfg: { x: 1 } });
  assert.deepEqual(
    p.rejected.map((r) => r.reason),
    ['non_finite', 'bad_timestamp', 'bad_shape'],
  );
  assert.equal(parseThingsBoardTelemetry('{').error?.reason, 'bad_json');
});

test('attribute and RPC requests', () => {
  assert.deepEqual(parseAttributesRequest('{"clientKeys": "a, B", "sharedKeys": ""}'), { clientKeys: ['a', 'b'], sharedKeys: [] });
  assert.deepEqual(parseAttributesRequest(''), { clientKeys: null, sharedKeys: null });
  assert.deepEqual(parseRpcRequest('{"method": "getCurrentTime"}'), { method: 'getCurrentTime', params: null });
  assert.equal('error' in parseRpcRequest('{"params": 1}'), true);
});
