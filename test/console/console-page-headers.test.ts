import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cspForPage, inlineScriptHashes } from '../../src-main/console/inline-scripts';
import { consoleCsp } from '../../src-main/console/security-headers';
import { acceptsBrotli } from '../../src-main/console/static-files';
import { chartRouteOf } from '../../src-renderer/lib/boot-route';

test('inline script hashes are CSP hash sources of the script text; scripts loaded by src need none', () => {
  // The example in CSP Level 3, "hash-source".
  assert.deepEqual(inlineScriptHashes("<script>alert('Hello, world.');</script>"), ["'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"]);
  assert.deepEqual(inlineScriptHashes('<script type="module" crossorigin src="/assets/index-abc.js"></script><script></script>'), []);
  assert.deepEqual(inlineScriptHashes('<p>no script</p>'), []);
});

test('a page\'s CSP allows its own inline scripts by hash and nothing else changes', () => {
  const html = '<!doctype html><head><script>window.x=1</script><script type="module" src="/a.js"></script></head>';
  const csp = cspForPage(consoleCsp, html);
  const [hash] = inlineScriptHashes(html);
  assert.equal(csp, consoleCsp.replace("script-src 'self'", `script-src 'self' ${hash}`));
  assert.ok(!csp.split('; ').find((d) => d.startsWith('script-src '))!.includes('unsafe-inline'));
  assert.equal(cspForPage(consoleCsp, '<p>no script</p>'), consoleCsp);
});

test('the boot route: a device page\'s first chart query, as DeviceCharts will ask for it', () => {
  const now = 1_800_000_000_000;
  assert.deepEqual(chartRouteOf('#/devices/3/30d', 1280, now), { deviceId: 3, preset: '30d', maxPoints: 1200, from: now - 30 * 86_400_000, to: now + 1000 });
  assert.deepEqual(chartRouteOf('#/devices/3', 390, now), { deviceId: 3, preset: '24h', maxPoints: 350, from: now - 86_400_000, to: now + 1000 });
  assert.equal(chartRouteOf('#/devices/3/nonsense', 1280, now)?.preset, '24h');
  assert.equal(chartRouteOf('#/devices', 1280, now), null);
  assert.equal(chartRouteOf('#/devices/abc/30d', 1280, now), null);
  assert.equal(chartRouteOf('#/dashboards/3', 1280, now), null);
});

test('Accept-Encoding: brotli only where listed and not refused with q=0', () => {
  assert.equal(acceptsBrotli('gzip, deflate, br, zstd'), true);
  assert.equal(acceptsBrotli('br;q=0.5'), true);
  assert.equal(acceptsBrotli('BR'), true);
  assert.equal(acceptsBrotli('gzip, br;q=0'), false);
  assert.equal(acceptsBrotli('gzip, deflate'), false);
  assert.equal(acceptsBrotli('brotli'), false);
  assert.equal(acceptsBrotli(undefined), false);
});
