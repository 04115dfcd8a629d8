import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseUbidotsTcp, UbidotsTcpFramer, type TcpFrame } from '../../src-shared/protocols/ubidots-tcp';

const texts = (frames: TcpFrame[]) => frames.map((f) => (f.ok ? f.text : `!${f.reason}`));

test('framing: requests split anywhere, several per packet, line breaks between them', () => {
  const framer = new UbidotsTcpFramer();
  assert.deepEqual(texts(framer.push('ua|POST|t|dev=>a:1|e')), []);
  assert.deepEqual(texts(framer.push('n')), []);
  assert.deepEqual(texts(framer.push('d\r\nua|LV|t|dev:a|endua|LV|t|dev:b|end\n')), ['ua|POST|t|dev=>a:1|end', 'ua|LV|t|dev:a|end', 'ua|LV|t|dev:b|end']);
  assert.equal(framer.pending, 0);
});

test('framing: a device called "endpoint" does not end the request early', () => {
  const framer = new UbidotsTcpFramer();
  assert.deepEqual(texts(framer.push('ua|POST|t|endpoint=>a:1|end')), ['ua|POST|t|endpoint=>a:1|end']);
  const parsed = parseUbidotsTcp('ua|POST|t|endpoint=>a:1|end');
  assert.equal(parsed.kind === 'post' && parsed.devices[0]?.label, 'endpoint');
});

test('framing: garbage, a fifth field that is not "end", an over-long user agent and an endless request are each one refusal', () => {
  const framer = new UbidotsTcpFramer(100);
  assert.deepEqual(texts(framer.push('\u0000\u0001junk\nua|LV|t|d:v|end')), ['!bad_shape', 'ua|LV|t|d:v|end']);
  assert.deepEqual(texts(framer.push('ua|POST|t|d=>a:1|fin\n')), ['!bad_shape']);
  assert.deepEqual(texts(framer.push(`${'u'.repeat(200)}|POST`)), ['!bad_shape']);
  assert.deepEqual(texts(framer.push(`ua|POST|t|d=>${'a:1,'.repeat(30)}`)), ['!too_large']);
  assert.equal(framer.pending, 0, 'nothing of a refused request stays buffered');
});

test('framing: "|end" after one or two fields ends a (bad) request at once; after three the connection decides when to give up', () => {
  const framer = new UbidotsTcpFramer();
  assert.deepEqual(texts(framer.push('garbage|endua|LV|t|d:v|end')), ['!bad_shape', 'ua|LV|t|d:v|end']);
  assert.deepEqual(texts(framer.push('ua|POST|end')), ['!bad_shape']);
  assert.equal(framer.pending, 0);
  assert.deepEqual(texts(framer.push('ua|POST|t|end')), [], 'the rest of a label such as "endpoint" may follow');
  assert.ok(framer.endsShort);
  const flushed = framer.flush();
  assert.equal(flushed?.ok, false);
  assert.match(flushed && !flushed.ok ? flushed.message : '', /this one had 3/);
  assert.equal(framer.pending, 0);
  assert.equal(framer.flush(), null);
});

test('parsing: devices, names, timestamps, context and per-value refusals', () => {
  const r = parseUbidotsTcp('fw/2|POST|tok|tank:Main tank@1700000000000=>level:4.5$unit=m$lat=52.1,temp:x,t2:1@1700000000001;pump=>on:1|end');
  assert.equal(r.kind, 'post');
  if (r.kind !== 'post') return;
  const [tank, pump] = r.devices;
  assert.equal(tank?.label, 'tank');
  assert.equal(tank?.name, 'Main tank');
  assert.deepEqual(tank?.parsed.dots, [
    { variable: 'level', value: 4.5, ts: 1700000000000, context: { unit: 'm', lat: 52.1 } },
    { variable: 't2', value: 1, ts: 1700000000001, context: undefined },
  ]);
  assert.deepEqual(tank?.parsed.rejected.map((x) => [x.variable, x.reason]), [['temp', 'not_a_number']]);
  assert.deepEqual(pump?.parsed.dots.map((d) => [d.variable, d.value]), [['on', 1]]);
});

test('parsing: LV, bad method, empty token and bad labels', () => {
  assert.deepEqual(parseUbidotsTcp('ua|LV|tok|Dev:Var|end'), { kind: 'lv', userAgent: 'ua', token: 'tok', device: 'dev', variable: 'var' });
  assert.equal((parseUbidotsTcp('ua|PUT|tok|d=>a:1|end') as { reason: string }).reason, 'bad_shape');
  assert.equal((parseUbidotsTcp('ua|POST||d=>a:1|end') as { reason: string }).reason, 'bad_token');
  assert.equal((parseUbidotsTcp('ua|LV|tok|nocolon|end') as { reason: string }).reason, 'bad_label');
  const bad = parseUbidotsTcp('ua|POST|tok|-x=>a:1|end');
  assert.equal(bad.kind === 'post' && bad.devices[0]?.error?.reason, 'bad_label');
});
