import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consoleCsp, consoleCspFor } from '../../src-main/console/security-headers';
import { desktopCsp, desktopCspFor } from '../../src-main/desktop/window-policy';
import { appFile } from '../../src-main/desktop/app-files';
import { appOrigin } from '../../src-main/desktop/window-policy';
import { writeSetting } from '../../src-main/settings/queries/settings';
import { mapTilesKey } from '../../src-main/settings/map-tiles';
import { tileOrigin } from '../../src-shared/map-tiles';
import { httpsRequest } from '../helpers/https';
import { startTestHub } from '../helpers/hub';
import { rpc } from '../access/helpers';

const imgSrc = (csp: string) => csp.split('; ').find((d) => d.startsWith('img-src '));
const without = (csp: string, directive: string) => csp.split('; ').filter((d) => !d.startsWith(`${directive} `));

test('the console CSP without a tile server is exactly today’s; with one it adds that origin to img-src and nothing else', () => {
  assert.equal(consoleCspFor(''), consoleCsp);
  assert.equal(imgSrc(consoleCspFor('')), "img-src 'self' data:");
  const csp = consoleCspFor('https://Tiles.Example.org/osm/{z}/{x}/{y}.png?key=abc');
  assert.equal(imgSrc(csp), "img-src 'self' data: https://tiles.example.org", 'scheme+host only: no path, no query, no default port');
  assert.deepEqual(without(csp, 'img-src'), without(consoleCsp, 'img-src'), 'every other directive as before');
  assert.equal(imgSrc(consoleCspFor('https://127.0.0.1:8443/{z}/{x}/{y}.png')), "img-src 'self' data: https://127.0.0.1:8443");
  assert.equal(imgSrc(consoleCspFor('https://maps.example.org:443/{z}/{x}/{y}.png')), "img-src 'self' data: https://maps.example.org");

  // The desktop window's builder: the same one origin, its stricter policy otherwise unchanged.
  assert.equal(desktopCspFor(''), desktopCsp);
  const desktop = desktopCspFor('https://tiles.example.org/{z}/{x}/{y}.png');
  assert.equal(imgSrc(desktop), "img-src 'self' data: blob: https://tiles.example.org");
  assert.deepEqual(without(desktop, 'img-src'), without(desktopCsp, 'img-src'));
  assert.match(desktop, /connect-src 'none'/);
  assert.equal(appFile('/nonexistent-root', `${appOrigin}/index.html`, desktop)?.headers['Content-Security-Policy'], desktop);

  // A stored value that is not a usable template (a bad row, an old build's) never widens the policy.
  for (const bad of ['http://tiles.example.org/{z}/{x}/{y}.png', 'https://*.example.org/{z}/{x}/{y}.png', 'https://{s}.tile.example.org/{z}/{x}/{y}.png', "https://a.org; script-src *'/{z}/{x}/{y}", 'https://[::1]/{z}/{x}/{y}.png', 'garbage']) {
    assert.equal(consoleCspFor(bad), consoleCsp, bad);
    assert.equal(desktopCspFor(bad), desktopCsp, bad);
  }
});

test('map tile server templates: one plain https origin, {z} {x} {y} each once', () => {
  assert.equal(tileOrigin('https://tile.openstreetmap.org/{z}/{x}/{y}.png'), 'https://tile.openstreetmap.org');
  assert.equal(tileOrigin('https://tiles.example.org/{z}/{y}/{x}@2x.png?token=1'), 'https://tiles.example.org', 'any order, a query');
  for (const bad of [
    '',
    'http://tiles.example.org/{z}/{x}/{y}.png',
    'https://tiles.example.org/{z}/{x}.png',
    'https://tiles.example.org/{z}/{x}/{y}/{y}.png',
    'https://tiles.example.org/{z}/{x}/{y}.png#frag',
    'https://user:pw@tiles.example.org/{z}/{x}/{y}.png',
    'https://tiles.example.org:99999/{z}/{x}/{y}.png',
    'https://999.1.1.1/{z}/{x}/{y}.png',
    'https://tiles.example.org/{z}/{x}/{y}/{s}.png',
    'https://tiles.example.org/{z}/{x}/{y}.png" onerror="x',
    'javascript:alert(1)//{z}/{x}/{y}',
  ]) {
    assert.equal(tileOrigin(bad), null, bad);
  }
});

test('over HTTPS: an admin sets the tile server through the contract (refused values say why), and the next page carries its origin, no restart', async () => {
  const hub = await startTestHub();
  const base = { url: `https://127.0.0.1:${hub.listeners.console!.port}`, ca: hub.tls.caCertPem };
  const setup = await rpc(base, 'auth.setupOwner', { code: hub.setupCode, email: 'owner@example.com', password: 'tiles passphrase 1234' });
  assert.equal(setup.status, 200, JSON.stringify(setup.body));
  const token = ((await rpc(base, 'auth.login', { email: 'owner@example.com', password: 'tiles passphrase 1234' })).body.result as { token: string }).token;
  const pageCsp = async () => String((await httpsRequest(`${base.url}/`, { ca: base.ca })).headers['content-security-policy']);

  assert.equal(imgSrc(await pageCsp()), "img-src 'self' data:", 'no setting: as before');
  assert.match((await httpsRequest(`${base.url}/`, { ca: base.ca })).body, /<meta name="outpost-tile-origin" content="">/);
  assert.deepEqual((await rpc(base, 'mapTiles.get', {}, token)).body.result, { url: '', attribution: '', origin: null });

  for (const [url, says] of [
    ['http://tiles.example.org/{z}/{x}/{y}.png', /https:\/\//],
    ['https://tiles.example.org/{z}/{x}.png', /\{y\} exactly once/],
    ['https://*.example.org/{z}/{x}/{y}.png', /plain host name/],
    ['not a url', /https:\/\/ URL/],
  ] as const) {
    const refused = await rpc(base, 'mapTiles.set', { url, attribution: 'x' }, token);
    assert.equal(refused.status, 400, url);
    assert.equal(refused.body.code, 'INVALID_INPUT');
    assert.match(refused.body.message!, says, url);
    assert.match(refused.body.message!, /^Invalid input for mapTiles\.set: url: /);
  }
  const tooLong = await rpc(base, 'mapTiles.set', { url: 'https://tiles.example.org/{z}/{x}/{y}.png', attribution: 'a\nb' }, token);
  assert.equal(tooLong.status, 400);
  assert.match(tooLong.body.message!, /attribution: the attribution is one line/);
  assert.equal(imgSrc(await pageCsp()), "img-src 'self' data:", 'nothing stored by a refused call');

  const set = await rpc(base, 'mapTiles.set', { url: 'https://tiles.example.org:8443/{z}/{x}/{y}.png', attribution: '© Example contributors' }, token);
  assert.equal(set.status, 200, JSON.stringify(set.body));
  assert.deepEqual(set.body.result, { url: 'https://tiles.example.org:8443/{z}/{x}/{y}.png', attribution: '© Example contributors', origin: 'https://tiles.example.org:8443' });
  const others = (csp: string) => without(csp, 'img-src').filter((d) => !d.startsWith('script-src '));
  assert.deepEqual(others(await pageCsp()), others(consoleCsp), 'only img-src differs (script-src carries the page’s boot-script hash as always)');
  assert.equal(imgSrc(await pageCsp()), "img-src 'self' data: https://tiles.example.org:8443");
  // The page names the origin its CSP allows, so the console never asks for tiles its page would block.
  assert.match((await httpsRequest(`${base.url}/`, { ca: base.ca })).body, /<meta name="outpost-tile-origin" content="https:\/\/tiles\.example\.org:8443">\n\s*<\/head>/);
  // An attribution left out stays; an empty URL clears both.
  assert.equal(((await rpc(base, 'mapTiles.set', { url: 'https://tiles.example.org/{z}/{x}/{y}.png' }, token)).body.result as { attribution: string }).attribution, '© Example contributors');
  assert.deepEqual((await rpc(base, 'mapTiles.set', { url: '' }, token)).body.result, { url: '', attribution: '', origin: null });
  assert.equal(imgSrc(await pageCsp()), "img-src 'self' data:");

  // A row written by something else that is not valid is read as "none": the policy stays closed.
  writeSetting(hub.db, mapTilesKey, { url: 'https://*.evil.example/{z}/{x}/{y}.png', attribution: '' }, Date.now());
  assert.equal(imgSrc(await pageCsp()), "img-src 'self' data:");
  assert.deepEqual((await rpc(base, 'mapTiles.get', {}, token)).body.result, { url: '', attribution: '', origin: null });
});
