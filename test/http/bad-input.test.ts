import assert from 'node:assert/strict';
import { request } from 'node:https';
import { test } from 'node:test';
import { addIngestToken, defaultOrgId } from '../../src-main/devices/lifecycle';
import { findDeviceByLabel } from '../../src-main/devices/queries/devices';
import { lastReadings } from '../../src-main/history/queries/readings';
import { deviceToken, eventually, rejectionCount, startIngestHub, type IngestHub } from '../helpers/ingest';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

// Top level, not in before(): the helpers register their clean-up with after() for the whole file.
const h: IngestHub = await startIngestHub();
const token = deviceToken(h.hub, 'sensor');
deviceToken(h.hub, 'neighbour');
const base = `https://localhost:${h.hub.listeners.https!.port}`;

function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      { method: options.method ?? 'POST', ca: h.ca, agent: false, headers: { 'content-type': 'application/json', 'x-auth-token': token, ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    if (options.chunked && options.body) {
      // No Content-Length: the limit must hold while the body streams in.
      const body = Buffer.from(options.body);
      for (let i = 0; i < body.length; i += 1024) req.write(body.subarray(i, i + 1024));
      req.end();
    } else req.end(options.body);
  });
}

const stored = (label: string, value: number) => {
  const device = findDeviceByLabel(h.hub.db, defaultOrgId, label);
  return device ? lastReadings(h.hub.db, device.id, 1000).some((r) => r.value === value) : false;
};

/** Sends one bad request and checks its status, error code, security headers and rejection count. */
async function expectRefusal(path: string, options: Parameters<typeof send>[1], want: { status: number; code?: string; reason: string; message?: RegExp }): Promise<Answer> {
  const beforeCount = rejectionCount(h.hub.db, 'https', want.reason);
  const answer = await send(path, options);
  assert.equal(answer.status, want.status, answer.body);
  assert.match(String(answer.headers['strict-transport-security']), /max-age=/, 'security headers on errors too');
  const body = JSON.parse(answer.body) as { code: string; message: string };
  if (want.code) assert.equal(body.code, want.code);
  assert.ok(body.message.length > 20, 'a message that says what happened');
  if (want.message) assert.match(body.message, want.message);
  assert.ok(!answer.body.includes(token), 'the token is never echoed');
  await eventually(() => rejectionCount(h.hub.db, 'https', want.reason) > beforeCount, `rejections_hourly counts ${want.reason}`);
  return answer;
}

/** A body with one bad dot and one good one: 200, the good one stored, the bad one explained and counted. */
async function expectPartial(body: string, bad: string, goodValue: number, reason: string, message: RegExp): Promise<void> {
  const beforeCount = rejectionCount(h.hub.db, 'https', reason);
  const answer = await send('/api/v1.6/devices/sensor', { body });
  assert.equal(answer.status, 200, answer.body);
  const parsed = JSON.parse(answer.body) as Record<string, { status_code: number; message?: string }[]>;
  assert.deepEqual(parsed.good, [{ status_code: 201 }]);
  assert.equal(parsed[bad]?.[0]?.status_code, 400);
  assert.match(parsed[bad]?.[0]?.message ?? '', message);
  assert.ok(stored('sensor', goodValue), 'the good reading in the same body is stored');
  await eventually(() => rejectionCount(h.hub.db, 'https', reason) > beforeCount, `rejections_hourly counts ${reason}`);
}

test('malformed JSON is 400 BAD_JSON', async () => {
  await expectRefusal('/api/v1.6/devices/sensor', { body: '{"temp": 21,' }, { status: 400, code: 'BAD_JSON', reason: 'bad_json', message: /not valid JSON/ });
});

test('NaN and Infinity as raw tokens are not JSON: 400; as strings they are refused per dot while good dots are stored', async () => {
  await expectRefusal('/api/v1.6/devices/sensor', { body: '{"temp": NaN, "good": 1}' }, { status: 400, code: 'BAD_JSON', reason: 'bad_json' });
  await expectRefusal('/api/v1.6/devices/sensor', { body: '{"temp": Infinity}' }, { status: 400, code: 'BAD_JSON', reason: 'bad_json' });
  await expectPartial('{"temp": "NaN", "good": 101}', 'temp', 101, 'non_finite', /NaN and Infinity are not readings/);
  await expectPartial('{"temp": {"value": "-Infinity"}, "good": 102}', 'temp', 102, 'non_finite', /NaN and Infinity/);
});

test('a string where a number belongs is refused for that dot only', async () => {
  await expectPartial('{"temp": "warm", "good": 103}', 'temp', 103, 'not_a_number', /value must be a number, got the string "warm"/);
  await expectPartial('{"temp": {"value": [1]}, "good": 104}', 'temp', 104, 'not_a_number', /got an array/);
});

test('a timestamp far in the future is refused for that dot only; a bad ?timestamp= refuses the request', async () => {
  await expectPartial(JSON.stringify({ temp: { value: 1, timestamp: Date.now() + 3 * 86_400_000 }, good: 105 }), 'temp', 105, 'future_timestamp', /more than a day ahead/);
  await expectPartial(JSON.stringify({ temp: { value: 1, timestamp: 'yesterday' }, good: 106 }), 'temp', 106, 'bad_timestamp', /whole milliseconds/);
  await expectRefusal('/api/v1.6/devices/sensor?timestamp=soon', { body: '{"good": 1}' }, { status: 400, code: 'BAD_TIMESTAMP', reason: 'bad_timestamp' });
});

test('nothing valid in the body is 400 with every reason; an empty object is 400 too', async () => {
  const answer = await expectRefusal('/api/v1.6/devices/sensor', { body: '{"a": "x", "b": null}' }, { status: 400, code: 'NO_VALID_VALUES', reason: 'not_a_number' });
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  assert.equal((body.a as { status_code: number }[])[0]!.status_code, 400);
  await expectRefusal('/api/v1.6/devices/sensor', { body: '{}' }, { status: 400, code: 'NO_VALUES', reason: 'bad_shape' });
  await expectRefusal('/api/v1.6/devices/sensor', { body: '[1, 2]' }, { status: 400, reason: 'bad_shape', message: /JSON object/ });
});

test('oversize bodies are 413, whether declared or streamed', async () => {
  const big = JSON.stringify({ temp: 'x'.repeat(11 * 1024) });
  await expectRefusal('/api/v1.6/devices/sensor', { body: big }, { status: 413, code: 'PAYLOAD_TOO_LARGE', reason: 'too_large', message: /limit of 10240 bytes|limit is 10240 bytes/ });
  await expectRefusal('/api/v1.6/devices/sensor', { body: big, chunked: true }, { status: 413, code: 'PAYLOAD_TOO_LARGE', reason: 'too_large' });
  // Just under the limit is fine.
  const fits = JSON.stringify({ good: 107, note: { value: 1, context: { pad: 'y'.repeat(1500) } } });
  assert.equal((await send('/api/v1.6/devices/sensor', { body: fits })).status, 200);
  assert.ok(stored('sensor', 107));
});

test('deep nesting: too deep a context or value refuses that dot only, a hostile body that is not an object is refused whole', async () => {
  let deep: unknown = 1;
  for (let i = 0; i < 5; i++) deep = { d: deep };
  await expectPartial(JSON.stringify({ temp: { value: 1, context: deep }, good: 108 }), 'temp', 108, 'too_deep', /nest at most/);
  // Six levels and thousands: still only that dot (the README's promise), the good value beside it is stored.
  deep = { d: deep };
  await expectPartial(JSON.stringify({ temp: { value: 1, context: deep }, good: 209 }), 'temp', 209, 'too_deep', /nest at most/);
  await expectPartial(`{"temp":{"value":1,"context":{"x":${'['.repeat(5000)}${']'.repeat(5000)}}},"good":210}`, 'temp', 210, 'too_deep', /nest at most/);
  await expectPartial(`{"temp":${'['.repeat(5000)}${']'.repeat(5000)},"good":211}`, 'temp', 211, 'not_a_number', /got an array/);
  const hostile = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  await expectRefusal('/api/v1.6/devices/sensor', { body: hostile }, { status: 400, reason: 'too_deep', message: /nests too deeply/ });
});

test('binary garbage is 400 and the listener keeps serving', async () => {
  const garbage = Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x81, 0xc3, 0x28]);
  await expectRefusal('/api/v1.6/devices/sensor', { body: garbage }, { status: 400, code: 'BAD_JSON', reason: 'bad_json', message: /UTF-8/ });
  assert.equal((await send('/api/v1.6/devices/sensor', { body: '{"good": 109}' })).status, 200);
});

test('wrong content type is 415, wrong method 405 with Allow, unknown path 404, bad label 400', async () => {
  await expectRefusal('/api/v1.6/devices/sensor', { body: 'temp=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', reason: 'bad_request', message: /Content-Type: application\/json/ });
  const wrong = await expectRefusal('/api/v1.6/devices/sensor', { method: 'PUT', body: '{}' }, { status: 405, code: 'METHOD_NOT_ALLOWED', reason: 'bad_request' });
  assert.equal(wrong.headers.allow, 'POST');
  const lvPost = await expectRefusal('/api/v1.6/devices/sensor/temp/lv', { method: 'POST', body: '{}' }, { status: 405, reason: 'bad_request' });
  assert.equal(lvPost.headers.allow, 'GET');
  await expectRefusal('/api/v2.0/devices/sensor', { body: '{}' }, { status: 404, code: 'NOT_FOUND', reason: 'bad_request', message: /POST \/api\/v1.6\/devices/ });
  await expectRefusal('/api/v1.6/devices/%2Fetc%2Fpasswd', { body: '{}' }, { status: 400, code: 'BAD_LABEL', reason: 'bad_label' });
});

test('unknown device is 404; another device with a device token is 403; unknown variable for lv is 404', async () => {
  const fleet = addIngestToken(h.hub.db, { name: 'fleet', deviceLabels: null, canCreateDevices: false }).token;
  await expectRefusal('/api/v1.6/devices/ghost', { body: '{"t": 1}', headers: { 'x-auth-token': fleet } }, { status: 404, code: 'UNKNOWN_DEVICE', reason: 'unknown_device', message: /outpost device add ghost/ });
  await expectRefusal('/api/v1.6/devices/neighbour', { body: '{"t": 1}' }, { status: 403, code: 'NOT_ALLOWED', reason: 'not_authorized', message: /writes only to its own device, "sensor"/ });
  await expectRefusal('/api/v1.6/devices/neighbour/t/lv', { method: 'GET' }, { status: 403, reason: 'not_authorized' });
  await expectRefusal('/api/v1.6/devices/sensor/nothing/lv', { method: 'GET' }, { status: 404, code: 'NOT_FOUND', reason: 'unknown_device' });
});

test('wrong or missing token is 401 and never echoed or logged', async () => {
  const wrong = `opd_${'A'.repeat(43)}`;
  await expectRefusal('/api/v1.6/devices/sensor', { body: '{"t": 1}', headers: { 'x-auth-token': wrong } }, { status: 401, code: 'BAD_TOKEN', reason: 'bad_token', message: /unknown or revoked/ });
  await expectRefusal('/api/v1.6/devices/sensor', { body: '{"t": 1}', headers: { 'x-auth-token': '' } }, { status: 401, code: 'BAD_TOKEN', reason: 'bad_token', message: /no token/ });
  await expectRefusal('/api/v1.6/devices/sensor', { body: '{"t": 1}', headers: { 'x-auth-token': 'not-a-token' } }, { status: 401, reason: 'bad_token' });
  assert.ok(!h.log().includes(wrong) && !h.log().includes(token), 'no token in the log');
});

test('token in the URL is refused by default (401 with the setting to change), even alongside a header', async () => {
  await expectRefusal(`/api/v1.6/devices/sensor?token=${token}`, { body: '{"t": 1}', headers: { 'x-auth-token': '' } }, { status: 401, code: 'TOKEN_IN_URL_DISABLED', reason: 'not_authorized', message: /token-in-url on/ });
  await expectRefusal(`/api/v1/${token}/telemetry`, { body: '{"t": 1}' }, { status: 401, code: 'TOKEN_IN_URL_DISABLED', reason: 'not_authorized' });
  await expectRefusal(`/api/v1/${token}/attributes`, { method: 'GET' }, { status: 401, code: 'TOKEN_IN_URL_DISABLED', reason: 'not_authorized' });
  assert.ok(!h.log().includes(token), 'the URL token never reaches the log');
});

test('storage failures answer 503 / 507 and acknowledge nothing', async () => {
  // The write connection lives in the writer thread: the failures are set up on it.
  const pipeline = h.hub.services.pipeline;
  const writerPragma = async (p: string) => Object.values(((await pipeline.writerTest({ pragma: p })) as Record<string, number>[])[0] ?? {})[0];
  await writerPragma('query_only = ON');
  try {
    const answer = await send('/api/v1.6/devices/sensor', { body: '{"good": 110}' });
    assert.equal(answer.status, 503, answer.body);
    assert.equal((JSON.parse(answer.body) as { code: string }).code, 'STORAGE_FAILED');
  } finally {
    await writerPragma('query_only = OFF');
  }
  assert.ok(!stored('sensor', 110));
  const pages = await writerPragma('page_count');
  const limit = await writerPragma('max_page_count');
  await writerPragma(`max_page_count = ${pages}`);
  try {
    const filler = JSON.stringify(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`v${i}`, { value: i, context: { pad: 'z'.repeat(30) } }])));
    let answer: Answer | undefined;
    // Free pages absorb a few writes; once the file must grow, SQLite reports "full".
    for (let i = 0; i < 50 && answer?.status !== 507; i++) answer = await send('/api/v1.6/devices/sensor', { body: filler });
    assert.equal(answer?.status, 507, answer?.body);
    assert.match((JSON.parse(answer!.body) as { message: string }).message, /disk is full/);
  } finally {
    await writerPragma(`max_page_count = ${limit}`);
  }
  assert.equal((await send('/api/v1.6/devices/sensor', { body: '{"good": 111}' })).status, 200, 'the hub recovers once storage does');
});
