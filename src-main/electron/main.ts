import { app, BrowserWindow, dialog, screen, session, shell } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHub, type Hub } from '../hub';
import { isHubError } from '../errors';
import { defaultDataDir } from '../cli/default-data-dir';
import { serveApiOverIpc, serveLiveOverIpc } from './ipc';
import { registerAppScheme, serveAppFiles } from './app-protocol';
import { appOrigin, isAppUrl, permissionAllowed } from '../desktop/window-policy';
import { packageRoot } from '../paths';
import { setupRoute } from '../../src-shared/setup';
import { desktopStateFile, loadDesktopState, placeWindow, saveDesktopState } from '../desktop/desktop-state';
import { secondInstanceAction } from '../desktop/single-instance';
import { startTray } from './tray';
import { readMapTiles } from '../settings/map-tiles';

let hub: Hub | undefined;
let window: BrowserWindow | undefined;
let stopTray: (() => void) | undefined;
let stopLive: (() => void) | undefined;
const here = dirname(fileURLToPath(import.meta.url));
const devOrigin = process.env.ELECTRON_RENDERER_URL;
const dataDir = defaultDataDir();
const stateFile = desktopStateFile(dataDir);
const saved = loadDesktopState(stateFile);
if (saved.problem) process.stderr.write(`Outpost: ${saved.problem}\n`);
let shareOnLan = saved.state?.shareOnLan ?? false;

// One Outpost per user: a second start hands its command line to the first and quits (desktop/single-instance.ts).
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  app.whenReady().then(start, (err: unknown) => {
    process.stderr.write(`Outpost: ${String(err)}\n`);
    app.exit(1);
  });
}

app.on('second-instance', (_event, argv) => {
  if (!hub) return;
  const action = secondInstanceAction({ exists: window !== undefined && !window.isDestroyed(), minimized: window?.isMinimized() ?? false, visible: window?.isVisible() ?? false }, argv, hub.setupCode);
  if (action.createWindow) void openWindow(hub);
  if (!window) return;
  if (action.restore) window.restore();
  if (action.show) window.show();
  if (action.focus) window.focus();
  if (action.navigate) void window.loadURL(`${devOrigin ?? `${appOrigin}/index.html`}${action.navigate}`);
});

function rememberWindow(): void {
  if (!window || window.isDestroyed()) return;
  const b = window.getNormalBounds();
  try {
    saveDesktopState(stateFile, { version: 1, bounds: { x: b.x, y: b.y, width: b.width, height: b.height }, maximized: window.isMaximized(), shareOnLan });
  } catch (err) {
    process.stderr.write(`Outpost: the window position could not be saved to ${stateFile} (${String(err)}).\n`);
  }
}

async function start(): Promise<void> {
  try {
    // The console stays on loopback unless the user shared it on the LAN from the tray.
    hub = await createHub({ dataDir, consoleHost: shareOnLan ? '0.0.0.0' : '127.0.0.1' });
  } catch (err) {
    const detail = isHubError(err) ? `${err.message}\n\nWhat to do: ${err.hint}` : String(err);
    dialog.showErrorBox('Outpost cannot start', detail);
    app.exit(1);
    return;
  }
  serveApiOverIpc({ registry: hub.registry, gate: hub.services.gate, devOrigin });
  stopLive = serveLiveOverIpc({ feeds: hub.services.live, devOrigin });
  const db = hub.services.access.db;
  serveAppFiles(join(here, '../renderer'), () => readMapTiles(db).url);
  // Every web permission is refused but copying to the clipboard from the app's own page (desktop/window-policy.ts).
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback, details) => callback(permissionAllowed(permission, details.requestingUrl, devOrigin)));
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin, devOrigin));
  const running = hub;
  stopTray = startTray(running, shareOnLan, {
    openWindow: () => {
      if (!window || window.isDestroyed()) return void openWindow(running);
      window.show();
      window.focus();
    },
    setShareOnLan: (on) => {
      shareOnLan = on;
      rememberWindow();
      app.relaunch();
      app.quit();
    },
    quit: () => app.quit(),
  });
  await openWindow(running);
}

async function openWindow(running: Hub): Promise<void> {
  const primary = screen.getPrimaryDisplay();
  const areas = [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea);
  const bounds = placeWindow(saved.state?.bounds ?? null, areas);
  window = new BrowserWindow({
    ...bounds,
    title: 'Outpost',
    icon: join(packageRoot(), 'resources', 'icon.png'),
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    },
  });
  if (saved.state?.maximized) window.maximize();
  window.on('close', rememberWindow);
  // Links leave the app for the system browser; the window never navigates away.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  // The window never navigates away from its own pages (hash routes do not navigate).
  window.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, devOrigin)) event.preventDefault();
  });
  // No account yet: the window opens on "Create the owner account" itself; the technician never needs the terminal.
  const route = running.setupCode ? setupRoute(running.setupCode) : '';
  await window.loadURL(`${devOrigin ?? `${appOrigin}/index.html`}${route}`);
}

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !hub) return;
  event.preventDefault();
  quitting = true;
  // The tray reads the database and live feeds listen to the hub: both stop before the hub does.
  stopTray?.();
  stopLive?.();
  void hub.stop().finally(() => app.quit());
});

app.on('window-all-closed', () => app.quit());
