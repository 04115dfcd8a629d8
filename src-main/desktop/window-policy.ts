import { withTileOrigin } from '../console/security-headers';

/**
 * What the desktop window may do, decided here (plain functions, tested under
 * Node) so the Electron shell (src-main/electron) only wires them in.
 */

/** The scheme the window's own pages are served from (electron/app-protocol.ts), instead of file://. */
export const appScheme = 'outpost';
export const appOrigin = `${appScheme}://app`;

/**
 * The window's Content-Security-Policy. Stricter than the HTTPS console's
 * (console/security-headers.ts): the window talks to the hub over IPC only, so
 * it connects nowhere (tile images aside: desktopCspFor), and nothing but its own bundle runs (and index.html's
 * boot script, allowed by its hash: electron/app-protocol.ts).
 */
export const desktopCsp = [
  "default-src 'none'",
  "script-src 'self'",
  // React sets style attributes; no inline <style> or script comes from data.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

/** The window's policy with the hub's current map tile server's origin in `img-src` (console/security-headers.ts). */
export function desktopCspFor(tileTemplate: string): string {
  return withTileOrigin(desktopCsp, tileTemplate);
}

/**
 * Web permissions the window may be granted: copying a snippet or a token to
 * the clipboard, from the app's own page only. Camera, microphone,
 * geolocation, notifications (native ones come from the main process), MIDI,
 * HID, serial, USB and everything Chromium adds later are refused.
 */
const grantable = new Set(['clipboard-sanitized-write']);

export function permissionAllowed(permission: string, requestingUrl: string | undefined, devOrigin?: string): boolean {
  return grantable.has(permission) && requestingUrl !== undefined && isAppUrl(requestingUrl, devOrigin);
}

/** Whether a URL is one of the app's own pages (or the dev server's, when running `electron-vite dev`). */
export function isAppUrl(url: string, devOrigin?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (`${parsed.protocol}//${parsed.host}` === appOrigin) return true;
  return devOrigin !== undefined && parsed.origin === new URL(devOrigin).origin;
}

export interface IpcSender {
  /** The sending frame's URL (`event.senderFrame.url`); undefined when the frame is gone. */
  url: string | undefined;
  /** Whether the frame is the window's top frame (not an iframe inside it). */
  mainFrame: boolean;
}

/** IPC is answered only for the app's own top-level page: never an iframe, a navigated-away page or another window's content. */
export function trustedSender(sender: IpcSender, devOrigin?: string): boolean {
  return sender.mainFrame && sender.url !== undefined && isAppUrl(sender.url, devOrigin);
}
