import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDevice, addIngestToken } from '../../src-main/devices/lifecycle';
import { resolveIngestToken } from '../../src-main/access/device-credentials';
import { lastReadings, countReadings } from '../../src-main/history/queries/readings';
import { findVariable } from '../../src-main/devices/queries/variables';
import { rejections } from '../../src-main/ingest/queries/usage';
import { parseUbidotsDevicePayload } from '../../src-shared/protocols/ubidots-json';
import type { Principal } from '../../src-main/ingest/pipeline/types';
import { openSecondConnection, startTestHub } from '../helpers/hub';

function principalFor(db: Parameters<typeof resolveIngestToken>[0], token: string): Principal {
  const r = resolveIngestToken(db, token);
  assert.ok(r.ok, 'token resolves');
  return r.principal;
}

test('a reading is visible to another connection by the time ingest resolves (ack after commit)', async () => {
  const hub = await startTestHub();
  const pipeline = hub.services.pipeline;
  const { token, device } = addDevice(hub.db, { label: 'boiler-1' });
  const principal = principalFor(hub.db, token);
  const parsed = parseUbidotsDevicePayload(JSON.stringify({ temperature: 21.5, pressure: { value: 1.2, timestamp: 1_700_000_000_000, context: { unit: 'bar' } } }));
  const other = openSecondConnection(hub);
  const pending = pipeline.ingest({ principal, protocol: 'https', deviceLabel: 'boiler-1', dots: parsed.dots, bytes: 80 });
  assert.equal(countReadings(other, device.id), 0, 'nothing committed before the batch runs');
  const result = await pending;
  assert.equal(result.stored.length, 2);
  assert.equal(countReadings(other, device.id), 2, 'committed by the time the promise resolves');
  const pressure = findVariable(hub.db, device.id, 'pressure');
  assert.deepEqual(pressure?.last, { value: 1.2, ts: 1_700_000_000_000, context: { unit: 'bar' } });
});

test('bad dots are refused one by one; good dots in the same message are stored and refusals counted', async () => {
  const hub = await startTestHub();
  const pipeline = hub.services.pipeline;
  const { token, device } = addDevice(hub.db, { label: 'mixed' });
  const principal = principalFor(hub.db, token);
  const body = JSON.stringify({
    good: 1,
    text: 'warm',
    bool: true,
    numeric_string: '3.5',
    nan: 'NaN',
    future: { value: 1, timestamp: Date.now() + 7 * 86_400_000 },
    old: { value: 1, timestamp: 12 },
    deep: { value: 1, context: { a: { b: { c: { d: { e: 1 } } } } } },
    'bad/label': 2,
  });
  const parsed = parseUbidotsDevicePayload(body);
  const result = await pipeline.ingest({ principal, protocol: 'mqtt', deviceLabel: 'mixed', dots: parsed.dots, rejected: parsed.rejected, bytes: body.length });
  assert.deepEqual(result.stored.map((s) => s.variable).sort(), ['bool', 'good', 'numeric_string']);
  const reasons = result.rejected.map((r) => `${r.variable}:${r.reason}`).sort();
  assert.deepEqual(reasons, ['bad/label:bad_label', 'deep:too_deep', 'future:future_timestamp', 'nan:non_finite', 'old:bad_timestamp', 'text:not_a_number']);
  await pipeline.drain();
  const counted = rejections(hub.db, 0).filter((r) => r.deviceLabel === 'mixed');
  assert.equal(counted.reduce((n, r) => n + r.count, 0), 6);
  assert.equal(lastReadings(hub.db, device.id, 10).length, 3);
});

test('malformed JSON, non-objects and oversize payloads are refused whole with a reason', () => {
  assert.equal(parseUbidotsDevicePayload('{"a": 1').error?.reason, 'bad_json');
  assert.equal(parseUbidotsDevicePayload('[1,2]').error?.reason, 'bad_shape');
  assert.equal(parseUbidotsDevicePayload('\u0000\u00ff\u0001garbage').error?.reason, 'bad_json');
  assert.equal(parseUbidotsDevicePayload(JSON.stringify({ a: 'x'.repeat(11 * 1024) })).error?.reason, 'too_large');
  assert.equal(parseUbidotsDevicePayload('['.repeat(50) + ']'.repeat(50)).error?.reason, 'too_deep');
  const pos = parseUbidotsDevicePayload(JSON.stringify({ position: { lat: 6.2, lng: -75.5 } }));
  assert.deepEqual(pos.dots[0], { variable: 'position', value: 1, ts: undefined, context: { lat: 6.2, lng: -75.5 } });
  const arr = parseUbidotsDevicePayload(JSON.stringify({ t: [{ value: 1, timestamp: 1_700_000_000_000 }, { value: 2, timestamp: 1_700_000_001_000 }] }), 1_600_000_000_000);
  assert.deepEqual(arr.dots.map((d) => d.ts), [1_700_000_000_000, 1_700_000_001_000]);
  const dflt = parseUbidotsDevicePayload(JSON.stringify({ t: 4 }), 1_600_000_000_000);
  assert.equal(dflt.dots[0]?.ts, 1_600_000_000_000);
});

test('device tokens write only their own device; ingest tokens follow their device set and create devices only when allowed', async () => {
  const hub = await startTestHub();
  const pipeline = hub.services.pipeline;
  const a = addDevice(hub.db, { label: 'a' });
  addDevice(hub.db, { label: 'b' });
  const dev = principalFor(hub.db, a.token);
  const other = await pipeline.ingest({ principal: dev, protocol: 'https', deviceLabel: 'b', dots: [{ variable: 'x', value: 1 }], bytes: 1 });
  assert.equal(other.refused?.reason, 'not_authorized');

  const limited = principalFor(hub.db, addIngestToken(hub.db, { name: 'gateway', deviceLabels: ['a'], canCreateDevices: false }).token);
  assert.equal((await pipeline.ingest({ principal: limited, protocol: 'https', deviceLabel: 'A', dots: [{ variable: 'x', value: 1 }], bytes: 1 })).stored.length, 1);
  assert.equal((await pipeline.ingest({ principal: limited, protocol: 'https', deviceLabel: 'b', dots: [{ variable: 'x', value: 1 }], bytes: 1 })).refused?.reason, 'not_authorized');

  const open = principalFor(hub.db, addIngestToken(hub.db, { name: 'fleet', deviceLabels: null, canCreateDevices: false }).token);
  assert.equal((await pipeline.ingest({ principal: open, protocol: 'https', deviceLabel: 'new-one', dots: [{ variable: 'x', value: 1 }], bytes: 1 })).refused?.reason, 'unknown_device');

  const creator = principalFor(hub.db, addIngestToken(hub.db, { name: 'creator', deviceLabels: null, canCreateDevices: true }).token);
  const created = await pipeline.ingest({ principal: creator, protocol: 'https', deviceLabel: 'new-one', deviceType: 'esp32', dots: [{ variable: 'x', value: 1 }], bytes: 1 });
  assert.equal(created.stored.length, 1);
  assert.equal(created.device?.label, 'new-one');
});

test('revoked and garbage tokens do not resolve', async () => {
  const hub = await startTestHub();
  const { token } = addDevice(hub.db, { label: 'gone' });
  hub.db.prepare('UPDATE device_tokens SET revoked_at = 1').run();
  assert.equal(resolveIngestToken(hub.db, token).ok, false);
  for (const garbage of ['', 'BBFF-123', 'opd_short', `opa_${'x'.repeat(43)}`, 42, null]) assert.equal(resolveIngestToken(hub.db, garbage).ok, false);
});

test('group commit: many concurrent messages commit in few transactions and keep their order', async () => {
  const hub = await startTestHub();
  const pipeline = hub.services.pipeline;
  const { token, device } = addDevice(hub.db, { label: 'fast' });
  const principal = principalFor(hub.db, token);
  const before = pipeline.committedBatches;
  const base = 1_700_000_000_000;
  await Promise.all(
    Array.from({ length: 2000 }, (_, i) => pipeline.ingest({ principal, protocol: 'mqtt', deviceLabel: 'fast', dots: [{ variable: 'seq', value: i, ts: base + i }], bytes: 10 })),
  );
  const commits = pipeline.committedBatches - before;
  assert.ok(commits < 20, `${commits} batches for 2000 messages`);
  const rows = hub.db.prepare('SELECT r.value FROM readings r JOIN variables v ON v.id = r.variable_id WHERE v.device_id = ? ORDER BY r.id').pluck().all(device.id) as number[];
  assert.deepEqual(rows, Array.from({ length: 2000 }, (_, i) => i), 'stored in arrival order');
});
