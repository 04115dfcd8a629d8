import { ipcMain } from 'electron';
import type { ApiContract } from '../../src-shared/api/contract';
import type { ConsolePrincipal } from '../access/principal';
import type { ConsoleGate } from '../console/gate';
import type { HandlerRegistry } from '../console/registry';
import { apiChannel } from './channel';

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
    return result.ok ? { ok: true, value: result.value } : { ok: false, error: result.error };
  });
  return () => ipcMain.removeHandler(apiChannel);
}
