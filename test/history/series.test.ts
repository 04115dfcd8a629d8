import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDevice } from '../../src-main/devices/lifecycle';
import { resolveIngestToken } from '../../src-main/access/device-credentials';
import { createApp } from '../../src-main/access/apps';
import type { Db } from '../../src-main/store/database';
import { readSeries } from '../../src-main/history/series';
import { settleRollups } from '../../src-main/history/rollups';
import type { Series } from '../../src-shared/api/areas/history';
import { httpsRequest } from '../helpers/https';
import { startTestHub } from '../helpers/hub';
import { seeded } from './helpers';
import { cliCaller } from '../access/helpers';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const start = Date.UTC(2026, 2, 1);

/** Each entry of a bucketed series against the readings in its bucket, worked out from the table directly. */
function assertBucketsMatch(db: Db, variableId: number, s: Series): void {
  assert.ok(s.bucketMs, 'bucketed');
  const rows = db.prepare('SELECT ts, value FROM readings WHERE variable_id = ? ORDER BY ts, id').all(variableId) as { ts: number; value: number }[];
  s.t.forEach((t, i) => {
    const inside = rows.filter((r) => r.ts >= t && r.ts < t + s.bucketMs!);
    assert.equal(s.count[i], inside.length, `count of bucket ${new Date(t).toISOString()}`);
    if (inside.length === 0) {
      assert.deepEqual([s.min[i], s.max[i], s.mean[i], s.last[i]], [null, null, null, null], 'an empty bucket is a gap');
      return;
    }
    assert.equal(s.min[i], Math.min(...inside.map((r) => r.value)));
    assert.equal(s.max[i], Math.max(...inside.map((r) => r.value)));
    assert.ok(Math.abs(s.mean[i]! - inside.reduce((a, r) => a + r.value, 0) / inside.length) < 1e-9);
    assert.equal(s.last[i], inside.at(-1)!.value);
  });
}

test('readings.series picks raw readings, buckets from readings, 1-minute or 1-hour rollups by range, and shows gaps', async () => {
  const hub = await startTestHub();
  const pipeline = hub.services.pipeline;
  const { token, device } = addDevice(hub.db, { label: 'tank' });
  const r = resolveIngestToken(hub.db, token);
  assert.ok(r.ok);
  const random = seeded(11);
  // Three days every 10 s, with no data from 30 h to 33 h.
  const dots: { variable: string; value: number; ts: number }[] = [];
  for (let ts = start; ts < start + 3 * day; ts += 10_000) {
    if (ts >= start + 30 * hour && ts < start + 33 * hour) continue;
    dots.push({ variable: 'level', value: Math.round(random() * 10_000) / 100, ts });
  }
  for (let i = 0; i < dots.length; i += 500) await pipeline.ingest({ principal: r.principal, protocol: 'https', deviceLabel: 'tank', dots: dots.slice(i, i + 500), bytes: 1 });
  const variableId = hub.db.prepare("SELECT id FROM variables WHERE label = 'level'").pluck().get() as number;
  const series = (from: number, to: number, maxPoints = 1000) => readSeries(hub.db, { deviceId: device.id, variables: ['level'], from, to, maxPoints })[0]!;

  const raw = series(start + hour, start + hour + 15 * minute);
  assert.equal(raw.resolution, 'raw');
  assert.equal(raw.t.length, 90);
  assert.deepEqual(raw.t.slice(0, 2), [start + hour, start + hour + 10_000]);
  assert.deepEqual(raw.last.slice(0, 2), dots.filter((d) => d.ts >= start + hour).slice(0, 2).map((d) => d.value));

  const sixHours = series(start, start + 6 * hour);
  assert.equal(sixHours.resolution, 'raw-buckets');
  assert.equal(sixHours.bucketMs, 30_000);
  assertBucketsMatch(hub.db, variableId, sixHours);

  const threeDays = series(start, start + 3 * day);
  assert.equal(threeDays.resolution, '1m');
  assert.equal(threeDays.bucketMs, 5 * minute);
  assert.ok(threeDays.t.length <= 1000);
  assertBucketsMatch(hub.db, variableId, threeDays);
  const gap = threeDays.t.map((t, i) => [t, threeDays.count[i]] as const).filter(([t]) => t >= start + 30 * hour && t < start + 33 * hour);
  assert.equal(gap.length, 36);
  assert.ok(gap.every(([, c]) => c === 0), 'three hours without data are null entries');

  const year = series(start - 300 * day, start + 65 * day);
  assert.equal(year.resolution, '1h');
  assert.equal(year.bucketMs, 12 * hour);
  assertBucketsMatch(hub.db, variableId, year);
  // The same answers once the buckets have moved from the recent to the settled rollups
  // (means to within rounding: sums are added in another order).
  settleRollups(hub.db, start + 2 * day);
  for (const [after, before] of [[series(start, start + 3 * day), threeDays], [series(start - 300 * day, start + 65 * day), year]] as const) {
    assert.deepEqual({ ...after, mean: [] }, { ...before, mean: [] });
    after.mean.forEach((m, i) => assert.ok(m === before.mean[i] || Math.abs(m! - before.mean[i]!) < 1e-9, `mean ${i}: ${m} vs ${before.mean[i]}`));
  }
  assertBucketsMatch(hub.db, variableId, series(start - 300 * day, start + 65 * day));

  // A raw series marks a gap with a null between readings too far apart.
  const acrossGap = series(start + 29 * hour + 50 * minute, start + 33 * hour + 10 * minute, 500);
  assert.equal(acrossGap.resolution, 'raw');
  const nulls = acrossGap.last.flatMap((v, i) => (v === null ? [acrossGap.t[i]] : []));
  assert.equal(nulls.length, 1);
  assert.ok(nulls[0]! > start + 30 * hour - 10_000 && nulls[0]! < start + 33 * hour);

  // Over HTTPS: the REST GET with an app token that has readings:read, refused without it or for another device.
  const base = `https://127.0.0.1:${hub.listeners.console!.port}`;
  const other = addDevice(hub.db, { label: 'other' }).device.id;
  const access = hub.services.access;
  const reader = createApp(access, cliCaller(), { name: 'grafana', scopes: ['readings:read'], deviceIds: [device.id] }).token;
  const lister = createApp(access, cliCaller(), { name: 'lister', scopes: ['devices:read'] }).token;
  const get = (id: number, query: string, bearer: string) => httpsRequest(`${base}/api/devices/${id}/series?${query}`, { ca: hub.tls.caCertPem, headers: { authorization: `Bearer ${bearer}` } });
  const query = `variables=level&from=${new Date(start).toISOString()}&to=${start + 3 * day}&maxPoints=1000`;
  const answer = await get(device.id, query, reader);
  assert.equal(answer.status, 200, answer.body);
  const body = JSON.parse(answer.body) as { result: { series: Series[] } };
  assert.deepEqual(body.result.series[0], JSON.parse(JSON.stringify(series(start, start + 3 * day))));
  assert.equal((await get(device.id, query, lister)).status, 403);
  assert.equal((await get(other, query, reader)).status, 404);
  const bad = await get(device.id, 'variables=level&from=yesterday&to=1', reader);
  assert.equal(bad.status, 400);
  assert.match(bad.body, /INVALID_INPUT.*from/);
  const unknown = await get(device.id, `variables=nope&from=0&to=${start}`, reader);
  assert.equal(unknown.status, 404);
  assert.match(unknown.body, /UNKNOWN_VARIABLE/);

  // Without `variables`: every variable of the device, each as it would be asked for by name (a device page's first call).
  await pipeline.ingest({ principal: r.principal, protocol: 'https', deviceLabel: 'tank', dots: [{ variable: 'pressure', value: 1.5, ts: start + hour }], bytes: 1 });
  const every = await get(device.id, `from=${start}&to=${start + 3 * day}&maxPoints=1000`, reader);
  assert.equal(every.status, 200, every.body);
  const all = (JSON.parse(every.body) as { result: { series: Series[] } }).result.series;
  assert.deepEqual(all.map((s) => s.variable), ['level', 'pressure']);
  assert.deepEqual(all[0], JSON.parse(JSON.stringify(series(start, start + 3 * day))));
  assert.deepEqual(all[1]!.last.filter((v) => v !== null), [1.5]);
  assert.equal((await get(other, `from=${start}&to=${start + 3 * day}`, reader)).status, 404, 'still only devices the token may use');
});
