import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultSize, desktopStateFile, loadDesktopState, minimumSize, placeWindow, saveDesktopState, type DesktopState } from '../../src-main/desktop/desktop-state';
import { secondInstanceAction, setupCodeIn } from '../../src-main/desktop/single-instance';
import { tempDir } from '../helpers/tmp';

const state: DesktopState = { version: 1, bounds: { x: 100, y: 80, width: 1000, height: 700 }, maximized: false, shareOnLan: false };

test('desktop state: saved and read back; first run has none; the temporary file never stays behind', () => {
  const dir = tempDir();
  const file = desktopStateFile(dir);
  assert.deepEqual(loadDesktopState(file), { state: null, problem: null }, 'first run: no file, no complaint');
  saveDesktopState(file, state);
  assert.deepEqual(loadDesktopState(file), { state, problem: null });
  saveDesktopState(file, { ...state, maximized: true, shareOnLan: true });
  assert.deepEqual(loadDesktopState(file).state, { ...state, maximized: true, shareOnLan: true });
  assert.deepEqual(readdirSync(dir), ['desktop-state.json']);
  // A file written before LAN sharing existed reads with sharing off.
  writeFileSync(file, JSON.stringify({ version: 1, bounds: state.bounds, maximized: false }));
  assert.equal(loadDesktopState(file).state?.shareOnLan, false);
  // Nothing invalid is ever written.
  assert.throws(() => saveDesktopState(file, { ...state, bounds: { ...state.bounds, width: -5 } }));
  assert.equal(loadDesktopState(file).state?.bounds.width, 1000, 'the refused save left the previous file');
});

test('desktop state: a damaged, hand-edited or unreadable file is reported and ignored, never thrown', () => {
  const dir = tempDir();
  const file = desktopStateFile(dir);
  for (const [text, reason] of [
    ['{"version":1,"bounds":', /is not JSON/],
    [JSON.stringify({ ...state, bounds: { ...state.bounds, width: 'wide' } }), /bounds\.width/],
    [JSON.stringify({ ...state, bounds: { ...state.bounds, x: 1e12 } }), /bounds\.x/],
    [JSON.stringify({ ...state, version: 2 }), /version/],
    [JSON.stringify({ ...state, extra: 'x' }), /not valid/],
    ['null', /not valid/],
  ] as const) {
    writeFileSync(file, text);
    const loaded = loadDesktopState(file);
    assert.equal(loaded.state, null, text);
    assert.match(loaded.problem ?? '', reason, text);
    assert.match(loaded.problem ?? '', /default size/);
  }
  writeFileSync(file, JSON.stringify(state));
  if (process.getuid?.() !== 0) {
    // root reads any file: this case runs only as an ordinary user.
    chmodSync(file, 0o000);
    assert.match(loadDesktopState(file).problem ?? '', /cannot be read \(EACCES\)/);
    chmodSync(file, 0o600);
  }
  assert.equal(readFileSync(file, 'utf8'), JSON.stringify(state), 'reading never rewrote the file');
  // Unreadable even as root: a folder where the file should be.
  const folder = join(dir, 'as-folder');
  mkdirSync(folder);
  assert.match(loadDesktopState(folder).problem ?? '', /cannot be read \(EISDIR\)/);
});

test('window placement: kept where it was when visible; pulled back onto a display, shrunk to fit, or centred when its display is gone', () => {
  const laptop = { x: 0, y: 0, width: 1920, height: 1050 };
  const right = { x: 1920, y: 0, width: 2560, height: 1400 };
  // First run: default size, centred on the primary display.
  assert.deepEqual(placeWindow(null, [laptop]), { x: 320, y: 115, ...defaultSize });
  // Fully visible: unchanged.
  assert.deepEqual(placeWindow(state.bounds, [laptop]), state.bounds);
  // On the second monitor, still connected: unchanged.
  const onRight = { x: 2200, y: 100, width: 1400, height: 900 };
  assert.deepEqual(placeWindow(onRight, [laptop, right]), onRight);
  // The second monitor unplugged: centred on the primary, size kept.
  assert.deepEqual(placeWindow(onRight, [laptop]), { x: 260, y: 75, width: 1400, height: 900 });
  // Mostly off the right edge: pulled back so a grabbable part of the title bar is on the display.
  const offEdge = placeWindow({ x: 1900, y: 50, width: 1000, height: 700 }, [laptop]);
  assert.deepEqual(offEdge, { x: 1820, y: 50, width: 1000, height: 700 });
  // Title bar above the top of the display: moved down to it.
  assert.equal(placeWindow({ x: 10, y: -300, width: 800, height: 600 }, [laptop]).y, 0);
  // Larger than the display now (resolution lowered): shrunk to the work area.
  assert.deepEqual(placeWindow({ x: 0, y: 0, width: 3000, height: 2000 }, [laptop]), laptop);
  // Tiny (hand-edited) windows grow to the smallest usable size.
  const tiny = placeWindow({ x: 10, y: 10, width: 1, height: 1 }, [laptop]);
  assert.deepEqual([tiny.width, tiny.height], [minimumSize.width, minimumSize.height]);
  // Displays to the left of the primary (negative coordinates) are displays like any other.
  const left = { x: -1280, y: 0, width: 1280, height: 1000 };
  assert.deepEqual(placeWindow({ x: -1200, y: 20, width: 900, height: 600 }, [laptop, left]), { x: -1200, y: 20, width: 900, height: 600 });
  // Every placement on every layout is on a display with its title bar reachable.
  for (const saved of [onRight, { x: -5000, y: -5000, width: 800, height: 600 }, { x: 99_999, y: 99_999, width: 500, height: 500 }, { x: 1910, y: 1040, width: 600, height: 600 }]) {
    for (const areas of [[laptop], [laptop, right], [right, left]]) {
      const p = placeWindow(saved, areas);
      const onSome = areas.some((a) => p.y >= a.y && p.y < a.y + a.height && p.x + p.width > a.x + 50 && p.x < a.x + a.width - 50);
      assert.ok(onSome, `${JSON.stringify(saved)} on ${JSON.stringify(areas)} → ${JSON.stringify(p)}`);
    }
  }
});

test('second instance: the first window comes forward (restored, shown, created if closed to the tray) and opens setup while no owner exists', () => {
  const code = 'ABCD-EFGH-JKLM-NPQR-STUV';
  const open = { exists: true, minimized: false, visible: true };
  assert.deepEqual(secondInstanceAction(open, ['outpost'], null), { createWindow: false, restore: false, show: false, focus: true, navigate: null });
  assert.deepEqual(secondInstanceAction({ exists: true, minimized: true, visible: true }, [], null), { createWindow: false, restore: true, show: false, focus: true, navigate: null });
  assert.deepEqual(secondInstanceAction({ exists: true, minimized: false, visible: false }, [], null), { createWindow: false, restore: false, show: true, focus: true, navigate: null });
  assert.deepEqual(secondInstanceAction({ exists: false, minimized: false, visible: false }, [], null), { createWindow: true, restore: false, show: false, focus: true, navigate: null });
  // No owner yet: the technician who starts the app again lands on "Create the owner account".
  assert.equal(secondInstanceAction(open, [], code).navigate, `#/setup/${code}`);
  // A setup address given to the second instance is passed on when well-formed...
  const other = 'WXYZ-2345-6789-ABCD-EFGH';
  assert.equal(secondInstanceAction(open, ['/opt/Outpost/outpost', `https://127.0.0.1:8444/#/setup/${other}`], code).navigate, `#/setup/${other}`);
  assert.equal(setupCodeIn([`outpost://app/index.html#/setup/${encodeURIComponent(other)}`]), other);
  // ...ignored when it is not a setup code (nothing else rides into the window's route)...
  for (const bad of ['https://x/#/setup/../../devices', 'https://x/#/setup/abcd', 'https://x/#/setup/%E0%A4%A', '#/setup/ABCD-EFGH-JKLM-NPQR-STUV/extra', '--no-sandbox']) {
    assert.equal(setupCodeIn([bad]), null, bad);
    assert.equal(secondInstanceAction(open, [bad], code).navigate, `#/setup/${code}`, bad);
  }
  // ...and once an owner exists, setup is never opened, whatever the command line says.
  assert.equal(secondInstanceAction(open, [`https://x/#/setup/${other}`], null).navigate, null);
});
