import { app, BrowserWindow, dialog, session, shell } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHub, type Hub } from '../hub';
import { isHubError } from '../errors';
import { defaultDataDir } from '../cli/default-data-dir';
import { serveApiOverIpc } from './ipc';
import { registerAppScheme, serveAppFiles } from './app-protocol';
import { appOrigin, isAppUrl, permissionAllowed } from '../desktop/window-policy';
import { packageRoot } from '../paths';
import { setupRoute } from '../../src-shared/setup';

let hub: Hub | undefined;
const here = dirname(fileURLToPath(import.meta.url));
const devOrigin = process.env.ELECTRON_RENDERER_URL;

registerAppScheme();

async function start(): Promise<void> {
  try {
    hub = await createHub({ dataDir: defaultDataDir() });
  } catch (err) {
    const detail = isHubError(err) ? `${err.message}\n\nWhat to do: ${err.hint}` : String(err);
    dialog.showErrorBox('Outpost cannot start', detail);
    app.exit(1);
    return;
  }
  serveApiOverIpc({ registry: hub.registry, gate: hub.services.gate, devOrigin });
  serveAppFiles(join(here, '../renderer'));
  // Every web permission is refused but copying to the clipboard from the app's own page (desktop/window-policy.ts).
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback, details) => callback(permissionAllowed(permission, details.requestingUrl, devOrigin)));
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin, devOrigin));
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Outpost',
    icon: join(packageRoot(), 'resources', 'icon.png'),
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    },
  });
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
  const route = hub.setupCode ? setupRoute(hub.setupCode) : '';
  await window.loadURL(`${devOrigin ?? `${appOrigin}/index.html`}${route}`);
}

app.whenReady().then(start, (err: unknown) => {
  process.stderr.write(`Outpost: ${String(err)}\n`);
  app.exit(1);
});

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !hub) return;
  event.preventDefault();
  quitting = true;
  void hub.stop().finally(() => app.quit());
});

app.on('window-all-closed', () => app.quit());
