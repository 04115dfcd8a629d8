import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFile } from '../../src-main/desktop/app-files';
import { appOrigin, desktopCsp, permissionAllowed, trustedSender } from '../../src-main/desktop/window-policy';
import { tempDir } from '../helpers/tmp';

test('the window’s pages: files of the built renderer only, each with the window’s CSP; nothing outside it, however encoded', () => {
  const root = join(tempDir(), 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'assets', 'index.js'), '');
  writeFileSync(join(tempDir(), 'secret.txt'), 'no');

  const index = appFile(root, `${appOrigin}/`);
  assert.equal(index?.path, join(root, 'index.html'));
  assert.equal(index?.headers['Content-Type'], 'text/html; charset=utf-8');
  assert.equal(index?.headers['Content-Security-Policy'], desktopCsp);
  assert.equal(appFile(root, `${appOrigin}/assets/index.js?v=1#x`)?.path, join(root, 'assets', 'index.js'));
  assert.equal(appFile(root, `${appOrigin}/assets/index.js`)?.headers['Content-Type'], 'text/javascript; charset=utf-8');

  for (const url of [
    `${appOrigin}/../secret.txt`,
    `${appOrigin}/%2e%2e/secret.txt`,
    `${appOrigin}/assets/%2e%2e%2f%2e%2e%2fsecret.txt`,
    `${appOrigin}/assets/..%2f..%2f..%2fetc%2fpasswd`,
    `${appOrigin}/index.html%00.js`,
    `${appOrigin}/%E0%A4%A`,
    `${appOrigin}/secret.txt`, // not a file type the console ships
    'outpost://other/index.html',
    'file:///etc/passwd',
    'https://example.com/index.html',
    'not a url',
  ]) {
    assert.equal(appFile(root, url), null, url);
  }
  // The policy itself: nothing runs but the app's own script, and the page connects nowhere (it talks over IPC).
  assert.match(desktopCsp, /default-src 'none'/);
  assert.match(desktopCsp, /script-src 'self'(;|$)/);
  assert.match(desktopCsp, /connect-src 'none'/);
  assert.match(desktopCsp, /object-src 'none'/);
  assert.doesNotMatch(desktopCsp, /unsafe-eval/);
});

test('web permissions: only clipboard writes from the app’s own page; everything else and every other page is refused', () => {
  const page = `${appOrigin}/index.html#/devices/1`;
  assert.equal(permissionAllowed('clipboard-sanitized-write', page), true);
  for (const p of ['media', 'geolocation', 'notifications', 'midi', 'midiSysex', 'pointerLock', 'fullscreen', 'openExternal', 'hid', 'serial', 'usb', 'clipboard-read', 'display-capture', 'idle-detection', 'unknown']) {
    assert.equal(permissionAllowed(p, page), false, p);
  }
  assert.equal(permissionAllowed('clipboard-sanitized-write', 'https://evil.example/'), false);
  assert.equal(permissionAllowed('clipboard-sanitized-write', 'file:///tmp/x.html'), false);
  assert.equal(permissionAllowed('clipboard-sanitized-write', undefined), false);
  // The dev server counts only while developing.
  assert.equal(permissionAllowed('clipboard-sanitized-write', 'http://localhost:5173/'), false);
  assert.equal(permissionAllowed('clipboard-sanitized-write', 'http://localhost:5173/', 'http://localhost:5173'), true);
});

test('IPC senders: the app’s own top-level page only', () => {
  assert.equal(trustedSender({ url: `${appOrigin}/index.html#/status`, mainFrame: true }), true);
  assert.equal(trustedSender({ url: `${appOrigin}/index.html`, mainFrame: false }), false, 'an iframe inside the window');
  assert.equal(trustedSender({ url: 'https://evil.example/', mainFrame: true }), false);
  assert.equal(trustedSender({ url: 'outpost://app.evil/index.html', mainFrame: true }), false);
  assert.equal(trustedSender({ url: 'file:///home/user/index.html', mainFrame: true }), false);
  assert.equal(trustedSender({ url: undefined, mainFrame: true }), false, 'a frame that is gone');
  assert.equal(trustedSender({ url: 'http://localhost:5173/', mainFrame: true }, 'http://localhost:5173'), true);
});
