import { ipcMain } from 'electron';
import type { ApiContract } from '../../src-shared/api/contract';
import type { HandlerRegistry } from '../console/registry';
import { apiChannel } from './channel';

/** Serves the same contract handlers as the HTTPS console, over IPC. */
export function serveApiOverIpc(registry: HandlerRegistry<ApiContract>): () => void {
  ipcMain.handle(apiChannel, async (_event, method: unknown, input: unknown) => {
    if (typeof method !== 'string') return { ok: false, error: { code: 'INVALID_INPUT', message: 'The method name must be a string.' } };
    const result = await registry.call(method, input, { origin: 'ipc', principal: null });
    return result.ok ? { ok: true, value: result.value } : { ok: false, error: result.error };
  });
  return () => ipcMain.removeHandler(apiChannel);
}
