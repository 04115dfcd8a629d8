import type { ApiContract } from '../../src-shared/api/contract';
import { isExportStream, type ExportStream } from '../../src-shared/api/areas/history';
import type { ConsolePrincipal } from '../access/principal';
import type { ConsoleGate } from '../console/gate';
import type { HandlerRegistry } from '../console/registry';
import { trustedSender, type IpcSender } from './window-policy';

export type IpcAnswer = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

export interface IpcDeps {
  registry: HandlerRegistry<ApiContract>;
  gate?: ConsoleGate | undefined;
  /** The dev server's URL under `electron-vite dev`; its pages count as the app's own. */
  devOrigin?: string | undefined;
}

/**
 * One contract call from the desktop window (electron/ipc.ts hands every
 * invoke here). The window signs in like a browser and sends its token with
 * each call; the console gate checks it (lockout, rate limits, revocation) as
 * it does for HTTPS. Only the app's own top-level page is answered.
 */
export async function handleIpcCall(deps: IpcDeps, sender: IpcSender, method: unknown, input: unknown, token: unknown): Promise<IpcAnswer> {
  if (!trustedSender(sender, deps.devOrigin)) {
    return { ok: false, error: { code: 'IPC_SENDER_REFUSED', message: 'Only the Outpost window’s own page may call the hub.' } };
  }
  if (typeof method !== 'string') return { ok: false, error: { code: 'INVALID_INPUT', message: 'The method name must be a string.' } };
  let principal: ConsolePrincipal | null = null;
  if (typeof token === 'string' && deps.gate) {
    // The window runs on this machine: for IP allowlists and abuse control it is loopback (registry addressOf says the same).
    const admission = await deps.gate.admit({ address: '127.0.0.1', authorization: `Bearer ${token}`, origin: undefined, host: undefined });
    if (!admission.ok) return { ok: false, error: admission.error };
    principal = admission.principal;
  }
  const result = await deps.registry.call(method, input, { origin: 'ipc', principal });
  if (result.ok && isExportStream(result.value)) return gather(result.value);
  return result.ok ? { ok: true, value: result.value } : { ok: false, error: result.error };
}

/** The window downloads what a chart shows; a larger export belongs to the HTTPS API or `outpost readings`. */
export const ipcExportLimit = 64 * 1024 * 1024;

async function gather(stream: ExportStream): Promise<IpcAnswer> {
  let content = '';
  for await (const chunk of stream.chunks) {
    content += chunk;
    if (content.length > ipcExportLimit) {
      return { ok: false, error: { code: 'EXPORT_TOO_LARGE', message: 'This export is over 64 MB: use `outpost readings LABEL --from --to --format` or the HTTPS API, which stream it.' } };
    }
  }
  return { ok: true, value: { filename: stream.filename, contentType: stream.contentType, content } };
}
