import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dashboardSpecSchema } from '../../src-shared/api/areas/dashboards';
import { tileChoice, tilesNotSetNote } from '../../src-shared/map-tiles';

const hub = { url: 'https://tiles.example.org/{z}/{x}/{y}.png', attribution: '© Example' };
const none = { url: '', attribution: '' };
/** The tile origin this page's CSP allows. */
const page = 'https://tiles.example.org';

test('a position widget’s background: the grid by default, the hub’s tiles when asked and set, a stored tile URL only on the allowed origin', () => {
  assert.deepEqual(tileChoice({}, hub, page), { kind: 'grid', note: null }, 'the grid is the default');
  assert.deepEqual(tileChoice({ background: 'grid' }, hub, page), { kind: 'grid', note: null });
  assert.deepEqual(tileChoice({ background: 'tiles' }, hub, page), { kind: 'tiles', template: hub.url, attribution: '© Example' });
  assert.deepEqual(tileChoice({ background: 'tiles' }, none, page), { kind: 'grid', note: tilesNotSetNote });
  // Saved before the hub-wide setting: kept on the hub's origin (its own path and query), refused elsewhere with a note.
  assert.deepEqual(tileChoice({ tileUrl: 'https://tiles.example.org/light/{z}/{x}/{y}.png' }, hub, page), { kind: 'tiles', template: 'https://tiles.example.org/light/{z}/{x}/{y}.png', attribution: '© Example' });
  for (const tileUrl of ['https://tiles.example.org:8443/{z}/{x}/{y}.png', 'https://other.example/{z}/{x}/{y}.png', 'https://{s}.tiles.example.org/{z}/{x}/{y}.png']) {
    assert.match((tileChoice({ tileUrl }, hub, page) as { note: string }).note, /administrator sets the map tile server in Settings/, tileUrl);
  }
  assert.equal(tileChoice({ tileUrl: hub.url }, none, page).kind, 'grid', 'no tile server: nothing is allowed');
  assert.deepEqual(tileChoice({ background: 'grid', tileUrl: hub.url }, hub, page), { kind: 'grid', note: null }, 'an explicit grid wins');
  // A page opened before the setting (its CSP allows no tile origin, or another one) asks for a reload instead of loading blocked tiles.
  for (const opened of [null, 'https://old-tiles.example.org']) {
    assert.match((tileChoice({ background: 'tiles' }, hub, opened) as { note: string }).note, /reload the page/);
    assert.match((tileChoice({ tileUrl: hub.url }, hub, opened) as { note: string }).note, /reload the page/);
  }
});

test('stored dashboards keep loading: a position widget with its own tileUrl and none with background still parse', () => {
  const widget = { id: 'p', kind: 'position', layout: { x: 0, y: 0, w: 4, h: 5 }, deviceId: 1, variable: 'position' };
  assert.ok(dashboardSpecSchema.safeParse({ widgets: [{ ...widget, tileUrl: 'https://tiles.example.org/{z}/{x}/{y}.png' }] }).success);
  assert.ok(dashboardSpecSchema.safeParse({ widgets: [widget] }).success);
  assert.ok(dashboardSpecSchema.safeParse({ widgets: [{ ...widget, background: 'tiles' }] }).success);
  assert.equal(dashboardSpecSchema.safeParse({ widgets: [{ ...widget, background: 'satellite' }] }).success, false);
});
