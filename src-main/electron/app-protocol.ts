import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { appFile } from '../desktop/app-files';
import { appScheme, desktopCspFor } from '../desktop/window-policy';
import { cspForPage } from '../console/inline-scripts';
import { pageWithTileOrigin } from '../console/security-headers';

/** Before the app is ready: the window's scheme is a standard, secure one (an origin, fetch, no mixed content). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: { standard: true, secure: true } }]);
}

/**
 * Serves the built renderer under outpost://app/ with the window's CSP (desktop/app-files.ts decides what),
 * which names the map tile server set when each file is served (`tileTemplate`): no restart after a change.
 */
export function serveAppFiles(root: string, tileTemplate: () => string): void {
  protocol.handle(appScheme, async (request) => {
    const template = tileTemplate();
    const csp = desktopCspFor(template);
    const file = appFile(root, request.url, csp);
    if (!file) return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
    const body = await net.fetch(pathToFileURL(file.path).toString());
    // index.html's inline boot script is allowed by its hash, as on the HTTPS console.
    if (body.ok && file.path.endsWith('.html')) {
      const html = pageWithTileOrigin(await body.text(), template);
      return new Response(html, { status: body.status, headers: { ...file.headers, 'Content-Security-Policy': cspForPage(csp, html) } });
    }
    return new Response(body.body, { status: body.status, headers: file.headers });
  });
}
