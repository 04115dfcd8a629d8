import { ipcMain } from 'electron';
import type { ApiContract } from '../../src-shared/api/contract';
import type { ConsolePrincipal } from '../access/principal';
import type { ConsoleGate } from '../console/gate';
import type { HandlerRegistry } from '../console/registry';
import { apiChannel } from './channel';
import { isExportStream, type ExportStream } from '../../src-shared/api/areas/history';

/**
 * Serves the same contract handlers as the HTTPS console, over IPC. The window
 * signs in like a browser does and sends its token with each call; the console
 * gate checks it (lockout, rate limits, revocation) as it does for HTTPS.
 */
export function serveApiOverIpc(registry: HandlerRegistry<ApiContract>, gate?: ConsoleGate): () => void {
  ipcMain.handle(apiChannel, async (_event, method: unknown, input: unknown, token: unknown) => {
    if (typeof method !== 'string') return { ok: false, error: { code: 'INVALID_INPUT', message: 'The method name must be a string.' } };
    let principal: ConsolePrincipal | null = null;
    if (typeof token === 'string' && gate) {
      // The window runs on this machine: for IP allowlists it is loopback.
      const admission = await gate.admit({ address: '127.0.0.1', authorization: `Bearer ${token}`, origin: undefined, host: undefined });
      if (!admission.ok) return { ok: false, error: admission.error };
      principal = admission.principal;
    }
    const result = await registry.call(method, input, { origin: 'ipc', principal });
    if (result.ok && isExportStream(result.value)) return gather(result.value);
    return result.ok ? { ok: true, value: result.value } : { ok: false, error: result.error };
  });
  return () => ipcMain.removeHandler(apiChannel);
}

/** The window downloads what a chart shows; a larger export belongs to the HTTPS API or `outpost readings`. */
const ipcExportLimit = 64 * 1024 * 1024;

async function gather(stream: ExportStream) {
  let content = '';
  for await (const chunk of stream.chunks) {
    content += chunk;
    if (content.length > ipcExportLimit) {
      return { ok: false, error: { code: 'EXPORT_TOO_LARGE', message: 'This export is over 64 MB: use `outpost readings LABEL --from --to --format` or the HTTPS API, which stream it.' } };
    }
  }
  return { ok: true, value: { filename: stream.filename, contentType: stream.contentType, content } };
}
